"""`reaches_branch`: the one answer to "does this user reach this branch", and the filter rule on top of it."""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.test import TestCase

from organizations.models import Branch
from organizations.scoping import NOT_YOUR_BRANCH, check_reaches_branch, reaches_branch
from organizations.tests.factories import BranchFactory, UserFactory, branch_user, org_admin


class ReachesBranchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.branch, cls.foreign = BranchFactory(), BranchFactory()
        cls.sister = BranchFactory(organization=cls.branch.organization)
        cls.member, cls.admin = branch_user(cls.branch), org_admin(cls.branch.organization)
        cls.staff = UserFactory(is_staff=True)
        cls.missing_id = Branch.objects.order_by("-pk").values_list("pk", flat=True).first() + 100

    def test_who_reaches_which_branch_given_as_a_branch_or_its_id(self):
        table = [
            (self.member, self.branch, True),
            (self.member, self.sister, False),
            (self.member, self.foreign, False),
            (self.admin, self.sister, True),
            (self.admin, self.foreign, False),
            (self.staff, self.foreign, True),
            (AnonymousUser(), self.branch, False),
            (None, self.branch, False),
        ]
        for user, branch, expected in table:
            for given in (branch, branch.pk):
                with self.subTest(user=str(user), branch=branch.code, given=type(given).__name__):
                    self.assertIs(reaches_branch(user, given), expected)

    def test_a_branch_that_does_not_exist_is_reached_by_nobody_not_even_staff(self):
        for user in (self.member, self.admin, self.staff):
            with self.subTest(user=user.username):
                self.assertFalse(reaches_branch(user, self.missing_id))
                self.assertFalse(reaches_branch(user, Branch(organization=self.branch.organization)))

    def test_check_reaches_branch_names_the_field(self):
        check_reaches_branch(self.member, self.branch.pk)
        with self.assertRaises(ValidationError) as caught:
            check_reaches_branch(self.member, self.sister.pk)
        self.assertEqual(caught.exception.message_dict, {"branch_id": [NOT_YOUR_BRANCH]})
        with self.assertRaises(ValidationError) as caught:
            check_reaches_branch(self.staff, self.missing_id, field="branch")
        self.assertEqual(caught.exception.message_dict, {"branch": [NOT_YOUR_BRANCH]})
