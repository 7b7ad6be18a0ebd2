from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

MESSAGE = "密码必须同时包含英文字母和数字。"


class LettersAndDigitsValidator:
    """Passwords must mix ASCII letters and ASCII digits; Chinese characters, full-width forms
    and other scripts count as neither, so they cannot stand in for a letter."""

    def validate(self, password, user=None):
        has_letter = any(c.isascii() and c.isalpha() for c in password)
        has_digit = any(c.isascii() and c.isdigit() for c in password)
        if not (has_letter and has_digit):
            raise ValidationError(MESSAGE, code="password_no_mix")

    def get_help_text(self):
        return MESSAGE


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with its message in Chinese (the shipped translation misses it)."""

    def get_error_message(self):
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"密码至少需要 {self.min_length} 个字符。"


class MaximumLengthValidator:
    """An upper bound, so that a pasted megabyte is not hashed on every login attempt."""

    def __init__(self, max_length: int = 128):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                f"密码太长，最多 {self.max_length} 个字符。", code="password_too_long"
            )

    def get_help_text(self):
        return f"密码最多 {self.max_length} 个字符。"


class NotTheCurrentPasswordValidator:
    """A new password must differ from the one it replaces."""

    def validate(self, password, user=None):
        if user is not None and user.pk and user.has_usable_password():
            if user.check_password(password):
                raise ValidationError("新密码不能与当前密码相同。", code="password_unchanged")

    def get_help_text(self):
        return "新密码不能与当前密码相同。"
