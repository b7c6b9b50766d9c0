"""Writes of the monitoring app, by concern:

- ``households``: households and members (keeping the derived size), employment, income, measures;
- ``records``: the identification → approval → risk-elimination workflow of monitoring records;
- ``household_import``: the bulk door of the 住户信息 import (``households_import``).

Every function checks the user's scope with the accounts function, runs ``full_clean()`` (or, in bulk, the same
rules over lists) and is atomic. Callers import from ``monitoring.services``; the names are re-exported here.
"""

from .households import (
    MAX_RISK_TYPES,
    household_next_code,
    household_create,
    household_update,
    household_refresh,
    member_add,
    member_update,
    member_remove,
    employment_save,
    income_record_save,
    measure_add,
)
from .records import (
    household_open_record,
    monitoring_create,
    EDITABLE_STATUSES,
    monitoring_update,
    WORKFLOW_FIELDS,
    monitoring_submit,
    pending_stage,
    monitoring_township_review,
    monitoring_county_approve,
    monitoring_approve_next,
    monitoring_reject,
    household_has_labour,
    elimination_warnings,
    elimination_request,
)
from .household_import import (
    BULK_BATCH,
    IMPORT_REASON,
    HOUSEHOLD_IMPORT_FIELDS,
    MEMBER_IMPORT_FIELDS,
    EMPLOYMENT_IMPORT_FIELDS,
    INCOME_IMPORT_FIELDS,
    MEASURE_IMPORT_FIELDS,
    RECORD_IMPORT_FIELDS,
    ELIMINATION_BY_IMPORT,
    imports_as_approved,
    import_may_change_record,
    NewMember,
    NewEmployment,
    HouseholdImportPlan,
    households_import,
)

__all__ = [
    "MAX_RISK_TYPES",
    "household_next_code",
    "household_create",
    "household_update",
    "household_refresh",
    "member_add",
    "member_update",
    "member_remove",
    "employment_save",
    "income_record_save",
    "measure_add",
    "household_open_record",
    "monitoring_create",
    "EDITABLE_STATUSES",
    "monitoring_update",
    "WORKFLOW_FIELDS",
    "monitoring_submit",
    "pending_stage",
    "monitoring_township_review",
    "monitoring_county_approve",
    "monitoring_approve_next",
    "monitoring_reject",
    "household_has_labour",
    "elimination_warnings",
    "elimination_request",
    "BULK_BATCH",
    "IMPORT_REASON",
    "HOUSEHOLD_IMPORT_FIELDS",
    "MEMBER_IMPORT_FIELDS",
    "EMPLOYMENT_IMPORT_FIELDS",
    "INCOME_IMPORT_FIELDS",
    "MEASURE_IMPORT_FIELDS",
    "RECORD_IMPORT_FIELDS",
    "ELIMINATION_BY_IMPORT",
    "imports_as_approved",
    "import_may_change_record",
    "NewMember",
    "NewEmployment",
    "HouseholdImportPlan",
    "households_import",
]
