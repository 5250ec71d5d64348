"""Faster `to_representation` for the output serializers of the hot lists (same JSON as DRF's)."""

import copy

from django.core.exceptions import ObjectDoesNotExist
from django.db.models.fields.related_descriptors import ForwardManyToOneDescriptor
from django.db.models.query_utils import DeferredAttribute
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject

# How a planned field reads its value from the instance.
_PK = 0  # a foreign key's column (`branch_id`), as PrimaryKeyRelatedField's pk-only optimisation does
_ATTRS = 1  # model fields, forward relations or properties, followed one after another
_SELF = 2  # source="*" (SerializerMethodField and friends): the instance itself
_DRF = 3  # anything else: DRF's own get_attribute
_METHOD = 4  # SerializerMethodField: the serializer's own get_<name>(row), so it reads this serializer's context

# Field types whose to_representation is exactly a builtin.
_BUILTIN_CONVERTERS = {serializers.CharField: str, serializers.IntegerField: int}

# Field types whose to_representation reads nothing but the value and the field's own options (no
# request, context or parent serializer): one instance can serve every serializer of a class.
_CONTEXT_FREE_TYPES = frozenset({
    serializers.BigIntegerField,
    serializers.BooleanField,
    serializers.CharField,
    serializers.ChoiceField,
    serializers.DateField,
    serializers.DateTimeField,
    serializers.DecimalField,
    serializers.EmailField,
    serializers.FloatField,
    serializers.IntegerField,
    serializers.ReadOnlyField,
    serializers.UUIDField,
})


class FastRowMixin:
    # Serializes a row with DRF's own fields but without its per-field, per-row machinery.
    #
    # DRF's `Serializer.to_representation` calls `field.get_attribute()` for every field of every
    # row (exception handling, `is_simple_callable` checks, a `PKOnlyObject` and `serializable_value`
    # per foreign key). Here each field's way of reading its value is worked out once per
    # serializer (a list's child serves the whole page); the value then goes through the field's
    # own `to_representation` (or the builtin it amounts to). The output is DRF's, key for key and
    # value for value; `leads/tests/test_serializer_rows.py` compares the two. Fields whose source
    # is not a plain chain of model fields, forward relations or properties are left to DRF.
    # (A comment, not a docstring: drf-spectacular would show it as the schema description of
    # every serializer without its own docstring.)

    def get_fields(self):
        # ModelSerializer introspects the model on every instantiation (half a millisecond per
        # serializer here); the fields depend only on the class, so build them once per class and
        # hand out deep copies, as DRF itself does with declared fields.
        cls = type(self)
        template = cls.__dict__.get("_fast_fields_template")
        if template is None:
            template = super().get_fields()
            cls._fast_fields_template = template
        return copy.deepcopy(template)

    def _row_plan(self):
        plan = getattr(self, "_fast_row_plan", None)
        if plan is None:
            plan = type(self)._shared_row_plan() or self._build_row_plan()
            self._fast_row_plan = plan
        return plan

    @classmethod
    def _shared_row_plan(cls):
        # When every field is context-free (a method field counts: the plan calls each serializer's own
        # method, with its own context), the plan of one serializer of the class, made once, serves
        # all of them: a list's child or a detail then never builds its fields (DRF deep-copies every
        # field of every serializer it creates: a third of a small read's serializer time). A class
        # with a field that may read the context otherwise (a nested serializer that is
        # not itself shared, anything unknown) builds its own per serializer, as DRF does.
        if "_fast_shared_plan" not in cls.__dict__:
            plan = cls()._build_row_plan()
            cls._fast_shared_plan = plan if all(_is_context_free(entry) for entry in plan) else None
        return cls.__dict__["_fast_shared_plan"]

    def _build_row_plan(self):
        model = self.Meta.model
        return [self._plan_field(model, field) for field in self._readable_fields]

    @staticmethod
    def _plan_field(model, field):
        name, attrs = field.field_name, field.source_attrs
        if type(field) is serializers.PrimaryKeyRelatedField and field.pk_field is None and len(attrs) == 1:
            descriptor = getattr(model, attrs[0], None)
            if isinstance(descriptor, ForwardManyToOneDescriptor):
                return (name, _PK, descriptor.field.attname, None, field)
            return (name, _DRF, None, None, field)
        if type(field) is serializers.SerializerMethodField:
            return (name, _METHOD, field.method_name, None, field)
        convert = _BUILTIN_CONVERTERS.get(type(field), field.to_representation)
        if not attrs:
            return (name, _SELF, None, convert, field)
        current = model
        for position, attr in enumerate(attrs):
            descriptor = getattr(current, attr, None) if current is not None else None
            last = position == len(attrs) - 1
            if isinstance(descriptor, ForwardManyToOneDescriptor):
                current = descriptor.field.related_model
            elif isinstance(descriptor, (DeferredAttribute, property)) and last:
                current = None
            elif descriptor is None and last and current is model:
                current = None  # set on the row by the query: an annotation, a prefetch's to_attr
            else:
                return (name, _DRF, None, None, field)
        return (name, _ATTRS, tuple(attrs), convert, field)

    def to_representation(self, instance):
        ret = {}
        for name, kind, source, convert, field in self._row_plan():
            if kind == _PK:
                value = getattr(instance, source)
                ret[name] = value
                continue
            if kind == _METHOD:
                ret[name] = getattr(self, source)(instance)
                continue
            if kind == _ATTRS:
                value = instance
                try:
                    for attr in source:
                        if value is None:
                            # A null relation midway: DRF's default / allow_null / skip rules decide.
                            kind = _DRF
                            break
                        value = getattr(value, attr)
                except ObjectDoesNotExist:
                    value = None
                except AttributeError:
                    kind = _DRF  # e.g. an annotation this row lacks: DRF's default / skip rules decide
            elif kind == _SELF:
                value = instance
            if kind == _DRF:
                try:
                    value = field.get_attribute(instance)
                except SkipField:
                    continue
                check = value.pk if isinstance(value, PKOnlyObject) else value
                ret[name] = None if check is None else field.to_representation(value)
                continue
            ret[name] = None if value is None else convert(value)
        return ret


def _is_context_free(entry) -> bool:
    _name, kind, _source, _convert, field = entry
    if kind in (_PK, _METHOD):
        return True
    if kind == _SELF:
        return False
    if type(field) is serializers.ListSerializer and isinstance(field.child, FastRowMixin):
        return type(field.child)._shared_row_plan() is not None  # a nested list of shared rows
    return type(field) in _CONTEXT_FREE_TYPES
