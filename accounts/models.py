from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower

from accounts.validators import validate_display_name, validate_no_email_address

BIO_MAX_LENGTH = 500
DISPLAY_NAME_TAKEN = "That display name is taken."


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A forum account. The email address is the login and is never shown
    publicly; members appear under their display name."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(
        max_length=40,
        validators=[validate_display_name],
        help_text="Shown next to your comments instead of your email address.",
    )
    # Plain text the member chooses to show on their public profile; shown
    # escaped, never as HTML.
    bio = models.TextField(
        max_length=BIO_MAX_LENGTH,
        blank=True,
        validators=[validate_no_email_address],
        help_text="Optional. A few words about you, shown on your public profile.",
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    objects = UserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("display_name"),
                name="user_display_name_unique_ci",
                violation_error_message=DISPLAY_NAME_TAKEN,
            ),
            models.CheckConstraint(
                condition=~models.Q(display_name=""), name="user_display_name_set"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or f"member #{self.pk}"

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name
