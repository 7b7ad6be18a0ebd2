from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误。连续失败多次后账号将被临时锁定。",
        "inactive": "该账号已停用，请联系管理员。",
    }
