"""The one settings object. Every knob is read from the environment (GRIDOPS_*, DATABASE_URL)."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent
DATABASE_FILE = "database.json"  # the embedded cluster's role passwords, written by geodata/ops/cluster.py


class Settings(BaseSettings):
    """GridOps configuration; see .env.example for every variable."""

    model_config = SettingsConfigDict(
        env_prefix="GRIDOPS_", env_file=ROOT / ".env", extra="ignore", populate_by_name=True
    )

    # An external PostGIS. When set, the embedded cluster under var_dir is never touched.
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "GRIDOPS_DATABASE_URL")
    )
    # Role used for migrations and bulk loads; defaults to database_url.
    admin_database_url: str | None = None

    # Embedded cluster. Default: ./var, or /var/tmp/gridops-<id> when the postgres system user
    # cannot reach the checkout (geodata.ops.cluster decides).
    var_dir: Path | None = None
    # PostgreSQL bin directory for the embedded cluster. Default: the newest installed PostgreSQL,
    # preferring one with PostGIS (apt-get installs it when root).
    pg_bindir: Path | None = None
    pg_host: str = "127.0.0.1"
    pg_port: int = 55432
    db_name: str = "gridops"

    # Read replicas (docs/scaling.md): libpq connection strings, comma-separated. The wall, the one
    # map, the drill-down, the workbench's lists and exports read from the first one that answers
    # and lags the primary by at most replica_max_lag_s; none such: the primary. Writes, sign-in and
    # every read of one's own write stay on the primary. Default: none, every read on the primary.
    replica_urls: str | None = Field(default=None, repr=False)
    replica_max_lag_s: float = Field(default=5.0, gt=0)
    # How often a process looks again at its replicas' lag and health (seconds).
    replica_check_s: float = Field(default=1.0, gt=0)
    # `gridops cluster ha` (make ha): the failover manager's monitor on ha_port, the two PostgreSQL
    # nodes on the two ports after it, all on 127.0.0.1; their folders under <var>/ha by default.
    ha_port: int = Field(default=55440, gt=0, lt=65534)
    ha_dir: Path | None = None

    # Web server.
    host: str = "127.0.0.1"
    port: int = 8050
    debug: bool = False
    refresh_seconds: float = Field(default=10.0, gt=0)
    # The push stream (push/, `gridops events`): its own process on GRIDOPS_HOST:events_port tells open
    # screens of each committed change, so they refresh at once and poll only slowly meanwhile.
    events_port: int = Field(default=8051, gt=0, lt=65536)
    # The stream's address as the browser sees it. Default: http://<host>:<events_port>/events; behind
    # a reverse proxy that forwards /events to the events process, set it to /events (README).
    events_url: str | None = Field(default=None, max_length=500)
    statement_timeout_ms: int = Field(default=5000, gt=0)
    lang: Literal["zh", "en"] = "zh"
    # The territory's display name (headers, the wall, export titles); default: from its top-level units.
    territory_name: str | None = Field(default=None, max_length=60)
    territory_name_en: str | None = Field(default=None, max_length=60)
    # The time zone of the territory's files: what a loaded time without a zone is read in (the
    # loader's and /import's default). The KPIs' days stay Beijing days (geodata/clock.py).
    territory_tz: str = Field(default="Asia/Shanghai", max_length=60)

    # Production mode (docs/security.md): no debug, Secure cookies, and a real GRIDOPS_SECRET_KEY is required.
    production: bool = False
    # Signs the session cookies. Development without one uses a random key kept in the var folder.
    secret_key: str | None = Field(default=None, repr=False)
    # A signed-in user's session ends this long after sign-in, or after idle minutes without use.
    session_hours: float = Field(default=12.0, gt=0)
    session_idle_minutes: float = Field(default=120.0, gt=0)
    # Largest request body (callbacks and API calls); bigger ones get 413.
    request_max_bytes: int = Field(default=512 * 1024, ge=16 * 1024)
    # Reverse proxies in front of the app (nginx …): their X-Forwarded-For/-Proto are then trusted.
    proxy_hops: int = Field(default=0, ge=0, le=5)

    # Basemap (docs/maps.md). "none" draws only our own outlines and works offline.
    basemap: Literal["none", "osm", "tianditu", "amap", "xyz"] = "none"
    basemap_url: str | None = None
    tianditu_key: str | None = None
    # A map layer with more features than this (70k grids, 200k cameras at city scale) is drawn
    # from vector tiles, recoloured in the browser, instead of being sent whole (docs/performance.md).
    map_tiles_above: int = Field(default=5000, ge=0)
    # The workbench draws at most this many points per layer; more cases than this are drawn as
    # one circle per community, every case counted (docs/maps.md).
    map_points_max: int = Field(default=20000, ge=1)

    # Data loads (gridops load, docs/security.md): inputs past these limits are refused before
    # they are read. Bytes count a file and its sidecars, or an archive's declared contents.
    import_max_bytes: int = Field(default=512 * 1024 * 1024, gt=0)
    import_max_entries: int = Field(default=64, gt=0)  # members of a zip archive
    import_max_ratio: float = Field(default=100.0, gt=1)  # uncompressed ÷ compressed, per member

    # Case photos (geodata/cases/photos.py): an upload past these limits is refused before it is
    # decoded. Stored in a folder (GRIDOPS_PHOTO_DIR, default <var>/photos) or an S3-compatible bucket.
    photo_max_bytes: int = Field(default=12 * 1024 * 1024, ge=64 * 1024)
    photo_max_pixels: int = Field(default=50_000_000, ge=1_000_000)  # a 48-megapixel phone: 8000×6000
    photo_store: Literal["file", "s3"] = "file"
    photo_dir: Path | None = None
    s3_bucket: str | None = None
    s3_endpoint: str | None = None
    s3_region: str | None = None
    # The citizen's rating link (群众评单): how long it stays usable, and the address it starts with
    # (the public name of this server; default: the address the request came to).
    rating_link_days: float = Field(default=7.0, gt=0)
    public_url: str | None = None
    # Checkpoint inspections (geodata/inspections): an inspection made farther than this from its
    # checkpoint, or without the inspector's place, is flagged.
    inspect_far_m: float = Field(default=200.0, gt=0)
    # Camera status feed (geodata/cameras/status.py): a camera within this distance covers a
    # checkpoint (its camera element passes while one is online); a camera not heard from for this
    # long counts as offline; the most statuses one call may carry.
    checkpoint_camera_m: float = Field(default=50.0, gt=0, le=5000)
    camera_stale_minutes: float = Field(default=30.0, gt=0)
    camera_batch_max: int = Field(default=10_000, ge=1, le=100_000)

    # Reminders and escalations (geodata/notify): the working hours of a working day, Beijing time,
    # as periods "HH:MM-HH:MM" separated by commas (escalation counts working hours; the working
    # days are China's, with its holidays and 调休 weekends, and the work_calendar table's days).
    work_hours: str = Field(default="08:30-12:00,13:30-17:30", max_length=200)
    # A send a channel did not accept is tried again this many times, the waits growing.
    notify_attempts: int = Field(default=4, ge=1, le=20)
    # The job worker (gridops worker) defers its periodic jobs (the scan and sends every minute, the
    # camera sweep); tests drive time themselves and turn this off.
    jobs_periodic: bool = True

    @field_validator("territory_tz")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"GRIDOPS_TERRITORY_TZ={value!r} is no IANA time zone (e.g. Asia/Shanghai)") from None
        return value

    # ---- where things are ------------------------------------------------------------------
    def replica_dsns(self) -> list[str]:
        """The read replicas' connection strings (GRIDOPS_REPLICA_URLS), in their order. A comma
        starts a new one only before "postgresql://" or "host=": a multi-host string (host=a,b or
        postgresql://a:1,b:2/db) stays one."""
        parts = re.split(r",\s*(?=postgres(?:ql)?://|host=)", self.replica_urls or "")
        return [part.strip() for part in parts if part.strip()]

    @property
    def state_dir(self) -> Path:
        """Where this checkout keeps its local state: the embedded cluster's connection file, the
        development session key, import reports (GRIDOPS_VAR_DIR, else ./var)."""
        return Path(self.var_dir).resolve() if self.var_dir is not None else ROOT / "var"

    def role_dsn(self, role: str, dbname: str | None = None) -> str:
        """A connection string for a role of the embedded cluster, from the file the cluster wrote."""
        path = self.state_dir / DATABASE_FILE
        try:
            password = json.loads(path.read_text(encoding="utf-8"))[role]
        except (FileNotFoundError, KeyError, ValueError):
            raise RuntimeError(
                f"no database configured: {path} is missing or incomplete; run 'make run' (it starts the "
                "embedded PostGIS and writes it) or set DATABASE_URL"
            ) from None
        return (
            f"host={self.pg_host} port={self.pg_port} dbname={dbname or self.db_name} user={role} "
            f"password={password} application_name=gridops"
        )

    def app_dsn(self) -> str:
        """Where the app connects: DATABASE_URL, or the embedded cluster's app role."""
        from geodata.roles import APP_ROLE

        return self.database_url or self.role_dsn(APP_ROLE)

    def admin_dsn(self) -> str:
        """Where migrations and bulk loads connect: the owner role."""
        from geodata.roles import OWNER_ROLE

        return self.admin_database_url or self.database_url or self.role_dsn(OWNER_ROLE)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
