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
