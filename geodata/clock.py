"""The territory's time zone, defined once: day boundaries, the KPIs' days, times shown on pages and
in exports are Beijing time (a city elsewhere changes it here)."""

from zoneinfo import ZoneInfo

TZ_NAME = "Asia/Shanghai"
TZ = ZoneInfo(TZ_NAME)
