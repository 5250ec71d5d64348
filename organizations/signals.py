"""Keep the token cache honest: each receiver hands the change to `organizations.token_cache`."""

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from knox.models import get_token_model

from organizations import token_cache
from organizations.models import Branch, Membership


@receiver(post_delete, sender=get_token_model(), dispatch_uid="token_cache_token_deleted")
def token_deleted(sender, instance, **kwargs):
    token_cache.forget_token(digest=instance.digest)


@receiver(post_save, sender=Membership, dispatch_uid="token_cache_membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="token_cache_membership_deleted")
def membership_changed(sender, instance, **kwargs):
    token_cache.forget_user(user_id=instance.user_id)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="token_cache_user_saved")
def user_saved(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a sign-in's timestamp: nothing the cache holds
    token_cache.forget_user(user_id=instance.pk)


@receiver(post_save, sender=Branch, dispatch_uid="token_cache_branch_saved")
@receiver(post_delete, sender=Branch, dispatch_uid="token_cache_branch_deleted")
def branch_changed(sender, instance, **kwargs):
    token_cache.forget_all()  # an org admin's scope is every branch of the organization
