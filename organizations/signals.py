"""Keep the token cache honest (each receiver hands the change to `organizations.token_cache`), and
revoke a user's API tokens when their password changes, whatever door changed it."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from knox.models import get_token_model

from organizations import services, token_cache
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


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="password_change_seen")
def user_password_about_to_change(sender, instance, update_fields=None, raw=False, **kwargs):
    """Note whether this save writes a new password: `set_password()` (admin forms, `changepassword`,
    any service) or a hash assigned directly. One query per user save that may write the password."""
    instance._password_changed = False
    if raw or instance.pk is None or instance._state.adding:
        return
    if update_fields is not None and "password" not in update_fields:
        return  # e.g. a sign-in's last_login
    stored = get_user_model()._default_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    instance._password_changed = stored is not None and stored != instance.password


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="password_change_revokes_tokens")
def user_password_changed(sender, instance, created=False, **kwargs):
    if getattr(instance, "_password_changed", False):
        instance._password_changed = False
        services.user_password_changed(user_id=instance.pk)
