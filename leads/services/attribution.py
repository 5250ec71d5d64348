"""Who did it: the acting user named on the history row a save writes."""


def attribute_history(obj, user) -> None:
    """Name `user` on the history row this save writes (the request's user is only known inside a request)."""
    if user is not None:
        obj._history_user = user
