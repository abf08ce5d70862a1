"""WGS84 ↔ GCJ-02 ↔ BD-09 against published reference points."""

from __future__ import annotations

import numpy as np
import pytest

from geodata import coords

# Tiananmen (116.404, 39.915) through the published reference implementation (coordtransform).
WGS = (116.404, 39.915)
WGS_TO_GCJ = (116.41024449916938, 39.91640428150164)
GCJ_TO_BD = (116.41036949371029, 39.92133699351021)
BD_TO_GCJ = (116.39762729119315, 39.90865673957631)
WGS_TO_BD = (116.41662724378733, 39.922699552216216)
# Beijing railway station, read off both maps: GCJ-02 (AMap) and BD-09 (Baidu), 5 decimals.
STATION_GCJ = (116.42703, 39.90245)
STATION_BD = (116.43351, 39.90851)


def _close(got, want, tol):
    assert np.allclose(np.asarray(got, dtype=float), want, atol=tol, rtol=0), (got, want)


def test_forward_conversions_match_the_reference():
    _close(coords.wgs84_to_gcj02(*WGS), WGS_TO_GCJ, 1e-9)
    _close(coords.gcj02_to_bd09(*WGS), GCJ_TO_BD, 1e-9)
    _close(coords.bd09_to_gcj02(*WGS), BD_TO_GCJ, 1e-9)
    _close(coords.wgs84_to_bd09(*WGS), WGS_TO_BD, 1e-9)


def test_baidu_and_amap_readings_of_one_place_agree():
    _close(coords.bd09_to_gcj02(*STATION_BD), STATION_GCJ, 2e-5)  # about 2 m at 5 decimals
    _close(coords.gcj02_to_bd09(*STATION_GCJ), STATION_BD, 2e-5)


@pytest.mark.parametrize("point", [WGS, (113.78, 34.73), (121.4998, 31.2397)])
def test_inverses_undo_the_forward_conversions(point):
    _close(coords.gcj02_to_wgs84(*coords.wgs84_to_gcj02(*point)), point, 1e-8)
    # Baidu's published inverse is a closed-form approximation: within 2e-6° (about 0.2 m).
    _close(coords.bd09_to_wgs84(*coords.wgs84_to_bd09(*point)), point, 2e-6)


def test_the_shift_in_zhengzhou_is_about_570_m_east():
    lon, lat = 113.78, 34.73
    glon, glat = coords.wgs84_to_gcj02(lon, lat)
    east = (glon - lon) * 111_320 * np.cos(np.radians(lat))
    north = (glat - lat) * 110_574
    assert 500 < np.hypot(east, north) < 650 and east > abs(north)


def test_outside_china_nothing_moves():
    _close(coords.wgs84_to_gcj02(-73.99, 40.72), (-73.99, 40.72), 0)
