"""ic_sdk's model generator: botocore service JSON → attrs classes, JSON Schema.

Stages, each a module: :mod:`load` (botocore data through ``botocore.loaders``) →
:mod:`ir` (frozen attrs intermediate representation) → :mod:`schema` (JSON Schema) and
:mod:`render` (Python source from templates) → :mod:`write` (format, header, stale-file
removal, ``--check``). Names are decided in :mod:`naming` only; botocore quirks live in
the :mod:`overrides` table.
"""
