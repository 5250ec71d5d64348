"""The back office: every write goes through the same services as the API.

Forms only parse: each rehearses its service call (rolled back) to show the service's refusal on the
field, and `save_model` makes the call for real. State fields and authors are read-only; state changes
are admin actions calling the services; `assigned_to` offers only users the member may assign.
"""

from leads.admin import catalogue, leads, loans  # noqa: F401  (each module registers its model admins)
