"""The pure "was it applied?" checks of endpoint updates and capacity changes."""

from __future__ import annotations

from ic_sdk.reconcile import capacities_applied, endpoint_update_applied

UPDATE = {"EndpointName": "ep", "EndpointConfigName": "ep-new"}


def test_an_update_shows_as_the_config_deployed_or_run() -> None:
    deploying = {
        "EndpointStatus": "Updating",
        "EndpointConfigName": "ep",
        "PendingDeploymentSummary": {"EndpointConfigName": "ep-new"},
    }
    assert endpoint_update_applied(UPDATE, deploying)
    assert endpoint_update_applied(
        UPDATE, {"EndpointStatus": "InService", "EndpointConfigName": "ep-new"}
    )
    # someone else's update, a rollback, a dying endpoint: not this request's doing
    other = {**deploying, "PendingDeploymentSummary": {"EndpointConfigName": "ep-other"}}
    assert not endpoint_update_applied(UPDATE, other)
    rolled_back = {"EndpointStatus": "InService", "EndpointConfigName": "ep", "FailureReason": "x"}
    assert not endpoint_update_applied(UPDATE, rolled_back)
    for status in ("Deleting", "Failed"):
        assert not endpoint_update_applied(
            UPDATE, {"EndpointStatus": status, "EndpointConfigName": "ep-new"}
        )
    assert not endpoint_update_applied({"EndpointName": "ep"}, deploying)


def test_capacities_show_as_desired_counts_and_weights() -> None:
    request = {
        "EndpointName": "ep",
        "DesiredWeightsAndCapacities": [
            {"VariantName": "AllTraffic", "DesiredInstanceCount": 3, "DesiredWeight": 1}
        ],
    }
    variant = {"VariantName": "AllTraffic", "DesiredInstanceCount": 3, "DesiredWeight": 1.0}
    shown = {"EndpointStatus": "Updating", "ProductionVariants": [variant]}
    assert capacities_applied(request, shown)
    fewer = {**shown, "ProductionVariants": [{**variant, "DesiredInstanceCount": 2}]}
    assert not capacities_applied(request, fewer)
    assert not capacities_applied(request, {**shown, "ProductionVariants": []})
    assert not capacities_applied(request, {**shown, "EndpointStatus": "Failed"})
