"""Who gets which notices: a person's own choices and a unit's contact addresses."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tracker.models import DeliveryStatus, NoticeKind, NoticeLanguage


class NoticeChoicesForm(forms.Form):
    notify_window_open = forms.BooleanField(label=_("开始填报通知"), required=False)
    notify_reminders = forms.BooleanField(
        label=_("截止前提醒（截止前7天、3天、1天及截止当日）"), required=False
    )
    notify_checkpoints = forms.BooleanField(label=_("调度通知（一季两调度）"), required=False)
    language = forms.ChoiceField(label=_("邮件语言"), choices=NoticeLanguage.choices)


class ContactForm(NoticeChoicesForm):
    name = forms.CharField(label=_("联系人"), max_length=100, required=False)
    email = forms.EmailField(
        label=_("电子邮箱"), error_messages={"invalid": _("请填写有效的电子邮箱。")}
    )
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    field_order = (
        "name",
        "email",
        "is_active",
        "notify_window_open",
        "notify_reminders",
        "notify_checkpoints",
        "language",
    )


class ReminderFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("发送状态"),
        choices=[("", _("全部")), *DeliveryStatus.choices],
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=[("", _("全部"))]
        + [(k, label) for k, label in NoticeKind.choices if k != NoticeKind.URGE],
        required=False,
    )
    recipient = forms.CharField(label=_("收件人"), required=False, max_length=254)
