"""Django's own admin strings that Django's Urdu catalog lacks (it predates them), listed so that
`makemessages` copies them into the project's catalog (locale/ur), which Django reads before its own.

Nothing imports this module: it is read by `makemessages` only. Each string is exactly Django's msgid;
the Urdu is ours. Drop a line when Django's catalog translates it.
"""

from django.utils.translation import gettext_noop

DJANGO_STRINGS_MISSING_IN_URDU = (
    # The sign-in page and every page's header.
    gettext_noop("Please enter the correct %(username)s and password for a staff account. Note that both fields "
                 "may be case-sensitive."),
    gettext_noop("Error:"),
    gettext_noop("username"),
    gettext_noop("password"),
    gettext_noop("View site"),
    gettext_noop("Skip to main content"),
    gettext_noop("Toggle navigation"),
    gettext_noop("Toggle theme (current theme: auto)"),
    gettext_noop("Toggle theme (current theme: light)"),
    gettext_noop("Toggle theme (current theme: dark)"),
    # The index and the lists.
    gettext_noop("Recent actions"),
    gettext_noop("My actions"),
    gettext_noop("Models in the %(name)s application"),
    gettext_noop("You don’t have permission to view or edit anything."),
    gettext_noop("Start typing to filter…"),
    gettext_noop("View"),
    gettext_noop("No date"),
    gettext_noop("Has date"),
    gettext_noop("Show counts"),
    gettext_noop("Hide counts"),
    gettext_noop("Clear all filters"),
    gettext_noop("View %s"),
    # What screen readers hear.
    gettext_noop("Filter navigation items"),
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Sidebar"),
    gettext_noop("Breadcrumbs"),
    gettext_noop("Close"),
)
