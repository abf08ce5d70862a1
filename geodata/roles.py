"""The database roles GridOps uses (migration 0013 and geodata/ops/setup.py make them)."""

OWNER_ROLE = "gridops_owner"  # owns the schema: migrations and bulk loads
APP_ROLE = "gridops_app"  # what the app connects as: reads and writes rows, owns nothing
# Row-level security (migration 0013): the app switches to one of these per transaction
# (SET LOCAL ROLE) to see the whole territory, or one unit of a level (a city, a district, a street
# or a community: migrations 0013 and 0028). NOLOGIN, granted to the app role; the app role alone
# sees no row of a table under row-level security.
SCOPE_ROLES = {
    "all": "gridops_scope_all",
    "city": "gridops_scope_city",
    "district": "gridops_scope_district",
    "street": "gridops_scope_street",
    "community": "gridops_scope_community",
    # a department's handler: the cases dispatched to its department, wherever they are (0030)
    "department": "gridops_scope_department",
}
SUPERUSER = "postgres"  # the embedded cluster's superuser
