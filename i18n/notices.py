"""The words of reminders, urges and escalations as people read them: the notification centre of the
page header, the case timeline's notification steps, and the wall's escalated cases."""

from __future__ import annotations

NOTICES: dict[str, tuple[str, str]] = {
    "notice.title": ("通知中心", "Notifications"),
    "notice.all_read": ("全部已读", "Mark all read"),
    "notice.none": ("暂无通知", "No notices"),
    "notice.hint": ("点击通知查看案件，查看后即为已读", "Open a notice to see its case; opening it marks it read"),
    "notice.step.remind": ("提醒", "Reminder"),
    "notice.step.urge": ("催办", "Urged"),
    "notice.step.escalate": ("升级", "Escalated"),
    "notice.tag": ("【{step}】", "[{step}] "),
    "notice.level.1": ("升级至街道", "Escalated to the street"),
    "notice.level.2": ("升级至区", "Escalated to the district"),
    "notice.overdue_by": ("已超期 {n}", "overdue by {n}"),
    "notice.due_in": ("剩余 {n}", "due in {n}"),
    "notice.days": ("{n} 天", "{n} d"),
    "notice.hours": ("{n} 小时", "{n} h"),
    "notice.minutes": ("{n} 分钟", "{n} min"),
    "notice.parked": ("已挂账", "parked"),
    "notice.closed": ("已办结", "closed"),
    "notice.unread": ("未读", "Unread"),
    # The case timeline: each step, who was told through which channel, and what became of it.
    "notice.target.department": ("承办部门", "department"),
    "notice.target.responsible": ("责任单位", "responsible unit"),
    "notice.target.dispatcher": ("值班员", "dispatcher"),
    "notice.kind.dingtalk": ("钉钉", "DingTalk"),
    "notice.kind.wecom": ("企业微信", "WeCom"),
    "notice.kind.feishu": ("飞书", "Feishu"),
    "notice.kind.webhook": ("Webhook", "Webhook"),
    "notice.kind.email": ("邮件", "E-mail"),
    "notice.kind.sms": ("短信", "SMS"),
    "notice.state.pending": ("待发送", "waiting"),
    "notice.state.sending": ("发送中", "sending"),
    "notice.state.sent": ("已送达", "delivered"),
    "notice.state.failed": ("发送失败", "failed"),
    "notice.state.unknown": ("结果未知", "outcome unknown"),
    "notice.told": ("站内通知：{names}", "Told in the app: {names}"),
    "notice.names_sep": ("、", ", "),
    "notice.via": ("{channel}（{whom}）", "{channel} ({whom})"),
    "notice.answer": ("{state}：{result}", "{state}: {result}"),
    "notice.no_channel": ("暂无外部消息", "No channel message yet"),
    "notice.system": ("系统", "system"),
    # The phone (/m)
    "m.notices": ("通知", "Notices"),
    "m.notices.unread": ("{n} 条未读", "{n} unread"),
    "m.notices.done": ("已全部标为已读", "All marked read"),
    "m.notified": ("督办提醒", "Reminders and escalations"),
    # The wall
    "wall.escalated": ("升级督办", "Escalated"),
}
