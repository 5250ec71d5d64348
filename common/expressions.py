"""ORM expressions shared by the apps."""

from django.db.models import Expression


class CompiledOnce(Expression):
    """`expression`, compiled to SQL once per database and then reused, for an annotation that a
    long-lived queryset carries (e.g. `leads.loan_book`'s per-day rows with money).

    A correlated subquery is compiled again every time its query runs (a tenth of a millisecond
    each; a lead's detail carries four). Resolved against its outer query, its SQL and parameters
    can no longer change: a copy (which is what resolving or relabelling it for another query
    makes) starts with nothing compiled, so a new outer query is compiled anew.
    """

    def __init__(self, expression, output_field=None):
        super().__init__(output_field=output_field)
        self.expression = expression

    def get_source_expressions(self):
        return [self.expression]

    def set_source_expressions(self, exprs):
        (self.expression,) = exprs

    def copy(self):
        clone = super().copy()
        clone.__dict__.pop("_compiled", None)
        return clone

    def as_sql(self, compiler, connection):
        compiled = self.__dict__.setdefault("_compiled", {})
        found = compiled.get(connection.alias)
        if found is None:
            sql, params = compiler.compile(self.expression)
            found = compiled[connection.alias] = (sql, tuple(params))
        return found

    def __repr__(self):
        return f"{self.__class__.__name__}({self.expression!r})"
