"""Input of the merge endpoint (`merge/`); it answers the kept lead as the detail shows it."""

from rest_framework import serializers

from common.api.fields import MAX_ID


class LeadMergeInputSerializer(serializers.Serializer):
    into = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The lead that is kept.")
    merge = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=50,
        help_text="Leads merged into `into` and then deleted.",
    )

    def validate(self, attrs):
        if attrs["into"] in attrs["merge"]:
            raise serializers.ValidationError({"merge": ["A lead cannot be merged into itself."]})
        return attrs
