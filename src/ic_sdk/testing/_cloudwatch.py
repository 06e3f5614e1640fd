"""The emulator's CloudWatch: metric data points, metric alarms and their evaluation.

Operations take and return botocore-style dicts (PascalCase keys); timestamps go out as
aware ``datetime`` objects so each wire protocol can write them its own way
(``_cloudwatch_wire``). Numbers may arrive as strings (the ``query`` protocol sends
everything as text) and are coerced here.

Data points are kept in 10-second buckets (CloudWatch's high-resolution storage) keyed by
namespace, metric name and dimensions. An alarm is evaluated at the end of each of its
periods: the last ``EvaluationPeriods`` periods are aggregated with its statistic,
missing ones treated as ``TreatMissingData`` says, and it goes to ``ALARM`` when at least
``DatapointsToAlarm`` of them breach. Actions naming an Application Auto Scaling policy
are invoked at every evaluation while the alarm stays in ``ALARM``, not only on the
transition: "For Auto Scaling actions, the alarm continues to invoke the action once per
period that the alarm remains in the new state" (CloudWatch User Guide, "Alarm actions",
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html).
Other actions run on state changes only.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, Final

import attrs

from ic_sdk.testing._paging import Paging
from ic_sdk.testing._resources import ServiceFault, Wire, stamp

__all__ = ["FILTERS", "AlarmListener", "CloudWatch", "MetricKey", "when"]

MetricKey = tuple[str, str, tuple[tuple[str, str], ...]]
#: ``listener(alarm_name, old_state, new_state)``, called on every state change.
AlarmListener = Callable[[str, str, str], None]
#: ``action(action_arn, alarm_name, value)``, called when an alarm invokes an action.
ActionSink = Callable[[str, str, float | None], None]

RESOLUTION: Final = 10  # seconds per stored bucket (CloudWatch high resolution)
_MINUTE: Final = 60
_STATISTICS: Final = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")
_COMPARISONS: Final[dict[str, Callable[[float, float], bool]]] = {
    "GreaterThanOrEqualToThreshold": lambda v, t: v >= t,
    "GreaterThanThreshold": lambda v, t: v > t,
    "LessThanThreshold": lambda v, t: v < t,
    "LessThanOrEqualToThreshold": lambda v, t: v <= t,
}
_AUTOSCALING_ACTION: Final = "arn:aws:autoscaling:"
_STATES: Final = ("OK", "ALARM", "INSUFFICIENT_DATA")
#: Every request member DescribeAlarms honours. The emulator has metric alarms only:
#: ``AlarmTypes`` without ``MetricAlarm`` finds nothing, and so do ``ChildrenOfAlarmName``
#: (the children of a composite alarm) and ``ParentsOfAlarmName`` (composite alarms).
FILTERS: Final = {
    "DescribeAlarms": frozenset(
        {
            "AlarmNames",
            "AlarmNamePrefix",
            "AlarmTypes",
            "ChildrenOfAlarmName",
            "ParentsOfAlarmName",
            "StateValue",
            "ActionPrefix",
            "MaxRecords",
            "NextToken",
        }
    )
}
#: DescribeAlarms pages: ``MaxRecords`` 1-100 (50 by default); a bad token is
#: ``InvalidNextToken`` (botocore ``cloudwatch``: the operation's only modeled error).
_ALARM_PAGING: Final = Paging(
    operation="DescribeAlarms",
    default=50,
    maximum=100,
    bad_token=lambda: ServiceFault("InvalidNextToken", "The next token specified is invalid."),
    bad_limit=lambda message: ServiceFault("InvalidParameterValue", message),
    limit_field="MaxRecords",
)
#: ``AlarmNames`` of DescribeAlarms and DeleteAlarms: at most 100 names.
_ALARM_NAMES_MAX: Final = 100
#: GetMetricStatistics answers at most this many data points.
_MAX_DATAPOINTS: Final = 1440


def _invalid(message: str) -> ServiceFault:
    return ServiceFault("ValidationError", message)


def _alarm_names(body: Wire) -> list[Any]:
    """``AlarmNames`` of a ``DescribeAlarms`` or ``DeleteAlarms``: at most
    :data:`_ALARM_NAMES_MAX` (botocore checks no maximum, the service does)."""
    names = list(body.get("AlarmNames") or [])
    if len(names) > _ALARM_NAMES_MAX:
        raise _invalid(
            "1 validation error detected: Value at 'alarmNames' failed to satisfy "
            f"constraint: Member must have length less than or equal to {_ALARM_NAMES_MAX}"
        )
    return names


def _missing(name: str) -> ServiceFault:
    return ServiceFault("MissingParameter", f"The parameter {name} is required.")


def _add(
    buckets: dict[int, list[float]], index: int, total: float, count: int, value: float
) -> None:
    bucket = buckets.get(index)
    if bucket is None:
        buckets[index] = [total, float(count), value, value]
        return
    bucket[0] += total
    bucket[1] += count
    if value < bucket[2]:
        bucket[2] = value
    if value > bucket[3]:
        bucket[3] = value


def when(value: Any) -> float:
    """Epoch seconds from a datetime, a number, or an ISO 8601 string."""
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, int | float):
        return float(value)
    text = str(value)
    try:
        return float(text)
    except ValueError:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _dims(raw: Iterable[Mapping[str, Any]] | None) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((str(d["Name"]), str(d["Value"])) for d in raw or ()))


def _bool(value: Any, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, str):
        return value.lower() == "true"
    return bool(value)


@attrs.define(kw_only=True, eq=False)
class Alarm:
    """One metric alarm."""

    name: str
    arn: str
    key: MetricKey
    statistic: str
    period: int
    evaluation_periods: int
    datapoints_to_alarm: int
    threshold: float
    comparison: str
    treat_missing: str
    actions_enabled: bool
    alarm_actions: list[str]
    ok_actions: list[str]
    insufficient_data_actions: list[str]
    description: str | None
    unit: str | None
    configured: float
    state: str = "INSUFFICIENT_DATA"
    reason: str = "Unchecked: Initial alarm creation"
    state_updated: float = 0.0
    #: The most recent aggregated value (what a policy action reads).
    last_value: float | None = None
    #: ``(period end, value)`` of the last ``evaluation_periods`` periods evaluated.
    history: deque[tuple[float, float | None]] = attrs.field(init=False)

    @history.default
    def _history(self) -> deque[tuple[float, float | None]]:
        return deque(maxlen=self.evaluation_periods)

    def describe(self, epoch: float) -> Wire:
        """DescribeAlarms' entry (``epoch``: the emulator clock's start, in epoch seconds;
        ``state_updated`` is on that clock)."""
        namespace, metric, dimensions = self.key
        updated = stamp(epoch + self.state_updated)
        out: Wire = {
            "AlarmName": self.name,
            "AlarmArn": self.arn,
            "AlarmConfigurationUpdatedTimestamp": stamp(self.configured),
            "ActionsEnabled": self.actions_enabled,
            "OKActions": list(self.ok_actions),
            "AlarmActions": list(self.alarm_actions),
            "InsufficientDataActions": list(self.insufficient_data_actions),
            "StateValue": self.state,
            "StateReason": self.reason,
            "StateUpdatedTimestamp": updated,
            "StateTransitionedTimestamp": updated,
            "MetricName": metric,
            "Namespace": namespace,
            "Statistic": self.statistic,
            "Dimensions": [{"Name": n, "Value": v} for n, v in dimensions],
            "Period": self.period,
            "EvaluationPeriods": self.evaluation_periods,
            "DatapointsToAlarm": self.datapoints_to_alarm,
            "Threshold": self.threshold,
            "ComparisonOperator": self.comparison,
            "TreatMissingData": self.treat_missing,
        }
        if self.description is not None:
            out["AlarmDescription"] = self.description
        if self.unit is not None:
            out["Unit"] = self.unit
        return out


class CloudWatch:
    """Metrics and alarms of one emulated account and region.

    ``epoch`` converts the emulator clock's seconds to wall-clock epoch seconds (the
    timestamps on the wire); every time argument here is on the emulator clock.
    """

    def __init__(self, *, region: str, account_id: str, epoch: float) -> None:
        self.region = region
        self.account_id = account_id
        self.epoch = epoch
        #: Per metric: 10-second buckets and one-minute buckets of [sum, count, min, max].
        self._series: dict[MetricKey, tuple[dict[int, list[float]], dict[int, list[float]]]] = {}
        self._alarms: dict[str, Alarm] = {}
        #: When alarms were last evaluated (data before it is late: see :meth:`record`).
        self._evaluated = -math.inf
        self._listeners: list[AlarmListener] = []
        #: Where alarm actions go (Application Auto Scaling installs itself here).
        self.action_sink: ActionSink | None = None
        self.operations: dict[str, Callable[[Wire, float], Wire]] = {
            "PutMetricAlarm": self.put_metric_alarm,
            "DescribeAlarms": self.describe_alarms,
            "DeleteAlarms": self.delete_alarms,
            "SetAlarmState": self.set_alarm_state,
            "PutMetricData": self.put_metric_data,
            "GetMetricStatistics": self.get_metric_statistics,
        }

    # -- data points ---------------------------------------------------------------

    def record(
        self, key: MetricKey, at: float, value: float, *, count: int = 1, total: float | None = None
    ) -> None:
        """Add ``count`` samples of ``value`` at ``at`` (``total``: their sum, if not
        ``value * count``)."""
        series = self._series.get(key)
        if series is None:
            series = self._series[key] = ({}, {})
        if at < self._evaluated:  # a period alarms already looked at has changed
            for alarm in self._alarms.values():
                if alarm.key == key:
                    alarm.history.clear()
        total = value * count if total is None else total
        _add(series[0], int(at // RESOLUTION), total, count, value)
        _add(series[1], int(at // _MINUTE), total, count, value)

    def statistic(self, key: MetricKey, start: float, end: float, statistic: str) -> float | None:
        """``statistic`` over ``[start, end)``; ``None`` when there is no data point."""
        series = self._series.get(key)
        if series is None:
            return None
        # Whole minutes read the per-minute aggregates: six times fewer buckets.
        width = _MINUTE if start % _MINUTE == 0 and end % _MINUTE == 0 else RESOLUTION
        buckets = series[width == _MINUTE]
        total = count = 0.0
        low, high = math.inf, -math.inf
        for index in range(int(start // width), math.ceil(end / width)):
            bucket = buckets.get(index)
            if bucket is None:
                continue
            total += bucket[0]
            count += bucket[1]
            if bucket[2] < low:
                low = bucket[2]
            if bucket[3] > high:
                high = bucket[3]
        if not count:
            return None
        if statistic == "Sum":
            return total
        if statistic == "Average":
            return total / count
        if statistic == "Maximum":
            return high
        if statistic == "Minimum":
            return low
        return count

    # -- alarms: evaluation --------------------------------------------------------------

    def add_listener(self, listener: AlarmListener) -> None:
        """Call ``listener(name, old, new)`` whenever an alarm changes state."""
        self._listeners.append(listener)

    def alarm(self, name: str) -> Alarm | None:
        return self._alarms.get(name)

    @property
    def alarms(self) -> list[Alarm]:
        return list(self._alarms.values())

    def evaluate(self, now: float) -> None:
        """Evaluate every alarm whose period ends at ``now`` (a multiple of 10 seconds)."""
        for alarm in list(self._alarms.values()):
            if round(now) % alarm.period == 0:
                self._evaluate(alarm, now)
        self._evaluated = now

    def _evaluate(self, alarm: Alarm, now: float) -> None:
        period, history = alarm.period, alarm.history
        if history and history[-1][0] == now - period:
            # Closed periods do not change: only the newest one is new.
            history.append((now, self.statistic(alarm.key, now - period, now, alarm.statistic)))
        else:
            history.clear()
            history.extend(
                (end, self.statistic(alarm.key, end - period, end, alarm.statistic))
                for end in (now - k * period for k in range(alarm.evaluation_periods - 1, -1, -1))
            )
        values = [value for _, value in history]
        compare = _COMPARISONS[alarm.comparison]
        present = [v for v in values if v is not None]
        missing = len(values) - len(present)
        breaching = sum(1 for v in present if compare(v, alarm.threshold))
        if alarm.treat_missing == "breaching":
            breaching += missing
        alarm.last_value = present[-1] if present else None
        if breaching >= alarm.datapoints_to_alarm:
            state = "ALARM"
        elif present or alarm.treat_missing in ("notBreaching", "breaching"):
            state = "OK"
        elif alarm.treat_missing == "ignore":
            state = alarm.state
        else:
            state = "INSUFFICIENT_DATA"
        changed = state != alarm.state
        if changed:
            shown = ", ".join(f"{v:g}" for v in present[-5:]) or "no datapoints"
            reason = (
                f"Threshold Crossed: {breaching} out of the last {alarm.evaluation_periods} "
                f"datapoints [{shown}] {'was' if state == 'ALARM' else 'was not'} "
                f"{alarm.comparison} ({alarm.threshold:g})."
            )
            self._transition(alarm, state, reason, now)
        if not alarm.actions_enabled or self.action_sink is None:
            return
        actions = {
            "ALARM": alarm.alarm_actions,
            "OK": alarm.ok_actions,
            "INSUFFICIENT_DATA": alarm.insufficient_data_actions,
        }[state]
        for arn in actions:
            if changed or arn.startswith(_AUTOSCALING_ACTION):
                self.action_sink(arn, alarm.name, alarm.last_value)

    def _transition(self, alarm: Alarm, state: str, reason: str, now: float) -> None:
        if state == alarm.state:
            return
        old, alarm.state, alarm.reason, alarm.state_updated = alarm.state, state, reason, now
        for listener in list(self._listeners):
            listener(alarm.name, old, state)

    # -- operations --------------------------------------------------------------------

    def _wall(self, now: float) -> float:
        return self.epoch + now

    def put_metric_alarm(self, body: Wire, now: float) -> Wire:
        for required in (
            "AlarmName",
            "EvaluationPeriods",
            "ComparisonOperator",
        ):
            if body.get(required) in (None, ""):
                raise _missing(required)
        if body.get("MetricName") is None or body.get("Namespace") is None:
            raise _invalid(
                "Metric alarms need a MetricName and a Namespace (metric math is not emulated)."
            )
        statistic = body.get("Statistic")
        if statistic not in _STATISTICS:
            raise _invalid(f"Statistic must be one of {', '.join(_STATISTICS)}.")
        comparison = str(body["ComparisonOperator"])
        if comparison not in _COMPARISONS:
            raise _invalid(f"ComparisonOperator {comparison} is not supported.")
        period = int(body.get("Period") or 0)
        if period not in (10, 20, 30) and (period < 60 or period % 60):
            raise _invalid("Period must be 10, 20, 30 or a multiple of 60.")
        evaluation_periods = int(body["EvaluationPeriods"])
        datapoints = int(body.get("DatapointsToAlarm") or evaluation_periods)
        if not 1 <= datapoints <= evaluation_periods:
            raise _invalid("DatapointsToAlarm must be between 1 and EvaluationPeriods.")
        name = str(body["AlarmName"])
        existing = self._alarms.get(name)
        alarm = Alarm(
            name=name,
            arn=f"arn:aws:cloudwatch:{self.region}:{self.account_id}:alarm:{name}",
            key=(str(body["Namespace"]), str(body["MetricName"]), _dims(body.get("Dimensions"))),
            statistic=str(statistic),
            period=period,
            evaluation_periods=evaluation_periods,
            datapoints_to_alarm=datapoints,
            threshold=float(body.get("Threshold") or 0.0),
            comparison=comparison,
            treat_missing=str(body.get("TreatMissingData") or "missing"),
            actions_enabled=_bool(body.get("ActionsEnabled"), True),
            alarm_actions=[str(a) for a in body.get("AlarmActions") or []],
            ok_actions=[str(a) for a in body.get("OKActions") or []],
            insufficient_data_actions=[str(a) for a in body.get("InsufficientDataActions") or []],
            description=body.get("AlarmDescription"),
            unit=body.get("Unit"),
            configured=self._wall(now),
            state_updated=now,
        )
        if existing is not None:  # an update keeps the alarm's state
            alarm.state, alarm.reason = existing.state, existing.reason
            alarm.state_updated = existing.state_updated
        self._alarms[name] = alarm
        return {}

    def describe_alarms(self, body: Wire, now: float) -> Wire:
        family = body.get("ChildrenOfAlarmName") or body.get("ParentsOfAlarmName")
        if family and set(body) - {"ChildrenOfAlarmName", "ParentsOfAlarmName"} - {
            "MaxRecords",
            "NextToken",
        }:
            raise _invalid(
                "With ChildrenOfAlarmName or ParentsOfAlarmName, only MaxRecords and "
                "NextToken may be given."
            )
        names = _alarm_names(body)
        prefix = body.get("AlarmNamePrefix")
        if names and prefix:
            raise _invalid("AlarmNamePrefix and AlarmNames cannot be given together.")
        types = body.get("AlarmTypes")
        found = list(self._alarms.values())
        if family or (types and "MetricAlarm" not in types):
            found = []  # no composite alarm exists here: no children, no parents
        if names:
            wanted = set(names)
            found = [a for a in found if a.name in wanted]
        if prefix:
            found = [a for a in found if a.name.startswith(prefix)]
        state = body.get("StateValue")
        if state:
            found = [a for a in found if a.state == state]
        action = body.get("ActionPrefix")
        if action:
            found = [a for a in found if any(x.startswith(action) for x in a.alarm_actions)]
        found.sort(key=lambda a: a.name)
        out = _ALARM_PAGING.answer(found, body, "MetricAlarms", lambda a: a.describe(self.epoch))
        return {**out, "CompositeAlarms": []}

    def delete_alarms(self, body: Wire, now: float) -> Wire:
        names = [str(n) for n in _alarm_names(body)]
        unknown = [n for n in names if n not in self._alarms]
        if unknown:
            raise ServiceFault(
                "ResourceNotFound",
                f"The following alarms were not found: {', '.join(unknown)}",
                status=404,
            )
        for name in names:
            del self._alarms[name]
        return {}

    def set_alarm_state(self, body: Wire, now: float) -> Wire:
        alarm = self._alarms.get(str(body.get("AlarmName")))
        if alarm is None:
            raise ServiceFault(
                "ResourceNotFound", f"Alarm {body.get('AlarmName')} not found", status=404
            )
        state = str(body.get("StateValue"))
        if state not in _STATES:
            raise _invalid(f"StateValue must be one of {', '.join(_STATES)}.")
        self._transition(alarm, state, str(body.get("StateReason") or ""), now)
        return {}

    def put_metric_data(self, body: Wire, now: float) -> Wire:
        namespace = body.get("Namespace")
        if not namespace:
            raise _missing("Namespace")
        if str(namespace).startswith("AWS/"):
            raise _invalid("The value AWS/ for parameter Namespace is invalid.")
        for datum in body.get("MetricData") or []:
            at = when(datum["Timestamp"]) - self.epoch if datum.get("Timestamp") else now
            key = (str(namespace), str(datum["MetricName"]), _dims(datum.get("Dimensions")))
            statistics = datum.get("StatisticValues")
            if statistics:
                self.record(
                    key,
                    at,
                    float(statistics["Maximum"]),
                    count=int(float(statistics["SampleCount"])),
                    total=float(statistics["Sum"]),
                )
                self.record(key, at, float(statistics["Minimum"]), count=0, total=0.0)
            else:
                self.record(key, at, float(datum.get("Value") or 0.0))
        return {}

    def get_metric_statistics(self, body: Wire, now: float) -> Wire:
        key = (str(body["Namespace"]), str(body["MetricName"]), _dims(body.get("Dimensions")))
        start = when(body["StartTime"]) - self.epoch
        end = when(body["EndTime"]) - self.epoch
        period = int(body["Period"])
        statistics = [str(s) for s in body.get("Statistics") or []]
        requested = math.ceil((end - start) / period) if period > 0 else 0
        if requested > _MAX_DATAPOINTS:
            raise ServiceFault(
                "InvalidParameterCombination",
                f"You have requested up to {requested} datapoints, which exceeds the limit of "
                "1,440. You may reduce the datapoints requested by increasing Period, or "
                "decreasing the time range.",
            )
        points: list[Wire] = []
        starts = sorted(
            {
                math.floor(index * RESOLUTION / period) * period
                for index in self._series.get(key, ({}, {}))[0]
                if start <= index * RESOLUTION < end
            }
        )
        for t in starts:
            values = {s: self.statistic(key, t, t + period, s) for s in statistics}
            point: Wire = {"Timestamp": stamp(self._wall(t))}
            point.update({s: v for s, v in values.items() if v is not None})
            points.append(point)
        return {"Label": key[1], "Datapoints": points}
