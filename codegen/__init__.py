"""ic_sdk's model generator: botocore service JSON → JSON Schema → attrs classes.

Stages, each a module: :mod:`load` (botocore data through ``botocore.loaders``) →
:mod:`ir` (frozen attrs intermediate representation) → :mod:`schema` (the shipped JSON
Schemas, with ``x-`` keys for everything the models need) → :mod:`models` (the classes,
rendered by datamodel-code-generator from the schema through ``templates/dmcg``, split
into per-shape modules) and :mod:`render` (aliases, the lazy index, ``_patterns.py``) →
:mod:`write` (ruff, header, stale-file removal, ``--check``). Names are decided in
:mod:`naming` only; botocore quirks live in the :mod:`overrides` table; regex dialects
(Java → Python ``re``, Java → ECMAScript) in :mod:`patterns`.
"""
