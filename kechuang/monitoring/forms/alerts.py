from django import forms


class AlertHandlingForm(forms.Form):
    note = forms.CharField(
        label="处理情况",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="写明做了什么：联系了谁、核实的结果、后续安排。保存后记入预警的处理记录。",
        error_messages={
            "required": "请填写处理情况。",
            "max_length": "处理情况最多 %(limit_value)d 字（现有 %(show_value)d 字）。",
        },
    )
