"""gridops load inspections: checkpoint inspection results from spreadsheets (long and wide, CSV and
.xlsx), recorded all or nothing into the shared test database's demo checkpoints, through the same
recording as the API; a repeat records nothing; the checkpoint's compliance follows."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from geodata.clock import TZ
from geodata.inspections import history
from geodata.load.cli import main
from geodata.load.inspections import load
from geodata.load.options import Options
from i18n import say

DAY = timedelta(days=1)


def _day(days_ago: int) -> str:
    """A day in the territory's time, ``days_ago`` before today (after the demo's inspections)."""
    return (datetime.now(TZ) - days_ago * DAY).date().isoformat()


def _midnight(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=TZ)


def _failing_point(db, type_code: str, skip: int) -> dict:
    """A demo checkpoint of ``type_code`` whose latest inspection has a failed element, from the
    end of the list (away from the other tests' checkpoints)."""
    with db.transaction() as cur:
        cur.execute(
            "WITH latest AS (SELECT DISTINCT ON (checkpoint_id) checkpoint_id, id FROM inspections "
            "ORDER BY checkpoint_id, inspected_at DESC, id DESC) "
            "SELECT k.id, k.code FROM checkpoints k JOIN latest l ON l.checkpoint_id = k.id "
            "WHERE k.type_code = %s AND EXISTS (SELECT 1 FROM inspection_results r "
            "WHERE r.inspection_id = l.id AND NOT r.passed) ORDER BY k.id DESC OFFSET %s LIMIT 1",
            (type_code, skip),
        )
        cp_id, code = cur.fetchone()
        cur.execute(
            "SELECT code, name FROM checkpoint_elements WHERE type_code = %s AND device IS NULL ORDER BY code",
            (type_code,),
        )
        elements = dict(cur.fetchall())
    return {"id": cp_id, "code": code, "type": type_code, "elements": elements}


def _latest(db, cp_id: int) -> dict:
    """The checkpoint's latest inspection counted in SQL here, independently of the code under test."""
    with db.transaction() as cur:
        cur.execute(
            "SELECT i.id, i.kind, i.inspected_at, i.inspector, i.note, i.external_id, "
            "count(*) FILTER (WHERE r.passed), count(*), count(*) FILTER (WHERE r.carried), "
            "(SELECT count(*) FROM checkpoint_elements e WHERE e.type_code = i.type_code) "
            "FROM inspections i JOIN inspection_results r ON r.inspection_id = i.id "
            "WHERE i.id = (SELECT id FROM inspections WHERE checkpoint_id = %s ORDER BY inspected_at DESC, id DESC "
            "LIMIT 1) GROUP BY i.id",
            (cp_id,),
        )
        row = cur.fetchone()
        cur.execute(
            "SELECT r.element_code, r.passed, r.note, c.source, c.status FROM inspection_results r "
            "JOIN cases c ON c.id = r.case_id WHERE r.inspection_id = %s AND NOT r.carried ORDER BY 1",
            (row[0],),
        )
        cases = cur.fetchall()
        cur.execute(
            "SELECT element_code, passed FROM inspection_results WHERE inspection_id = %s AND NOT carried", (row[0],)
        )
        given = dict(cur.fetchall())
    keys = ("id", "kind", "at", "inspector", "note", "external_id", "passed", "results", "carried", "required")
    return {**dict(zip(keys, row)), "cases": cases, "given": given}


def _written(db) -> tuple[int, int, int]:
    """Inspections, results and cases in the whole database."""
    with db.transaction() as cur:
        cur.execute(
            "SELECT (SELECT count(*) FROM inspections), (SELECT count(*) FROM inspection_results), "
            "(SELECT count(*) FROM cases)"
        )
        return cur.fetchone()


def _csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        w = csv.writer(out)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_a_long_csv_with_chinese_names_records_one_inspection_per_checkpoint_time_and_inspector(db, tmp_path):
    market = _failing_point(db, "market", 0)
    other = _failing_point(db, "market", 1)
    day = _day(2)
    words = iter(["达标", "合格", "√", "1", "pass", "true"])
    rows = []
    for code, name in market["elements"].items():
        rows.append([market["code"], name, "不达标" if code == "sanitation" else next(words), day, "王芳", ""])
    rows[-1][5] = "要素说明"
    rows.insert(1, [market["code"], "环境卫生", "不达标", day, "王芳", "摊位外垃圾堆积"])  # repeated, same result
    rows += [[other["code"], "ads", "是", day, "李强", ""], [other["code"], "公平秤", "否", day, "李强", ""]]
    path = _csv(tmp_path / "排查结果.csv", ["点位编号", "要素", "结果", "排查时间", "排查人", "说明"], rows)
    before = _written(db)

    report = load(path, Options(), db=db)

    assert report.rejected == {} and report.layout == "long"
    assert (report.recorded, report.repeats, report.elements, report.failures) == (2, 0, 7, 2)
    assert report.opened + report.joined == 2 and report.opened == 2
    assert ("column", "element", "'要素'") in report.understood
    after = _written(db)
    assert after[0] - before[0] == 2 and after[2] - before[2] == 2

    first = _latest(db, market["id"])
    assert first["kind"] == "import" and first["at"] == _midnight(day)  # a day: its first moment, territory time
    assert first["inspector"] == "表格导入：排查结果.csv" and first["note"] == "排查人：王芳"
    assert first["external_id"].startswith("XL-")
    assert (first["passed"], first["results"], first["carried"]) == (len(market["elements"]) - 1, 5, 0)
    assert first["cases"] == [("sanitation", False, "摊位外垃圾堆积", "inspection", "dispatched")]

    second = _latest(db, other["id"])
    assert second["given"] == {"ads": True, "scale": False} and [c[0] for c in second["cases"]] == ["scale"]

    # The same file again records nothing: its inspections are repeats.
    again = load(path, Options(), db=db)
    assert (again.recorded, again.repeats, again.opened, again.rejected) == (0, 2, 0, {})
    assert _written(db) == after
    assert _latest(db, market["id"])["id"] == first["id"]


def test_a_wide_workbook_maps_element_names_by_type_and_moves_compliance(db, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    park = _failing_point(db, "park", 0)
    market = _failing_point(db, "market", 2)
    commercial = _failing_point(db, "commercial", 0)
    before = {p["id"]: _latest(db, p["id"]) for p in (park, market, commercial)}
    assert all(b["passed"] < b["results"] for b in before.values())
    at = datetime.now(TZ).replace(microsecond=0, second=0, tzinfo=None) - timedelta(hours=3)

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["明湖办事处创文点位排查表"])  # a title above the header, merged across it
    sheet.merge_cells("A1:H1")
    header = ["序号", "点位编号", "排查时间", "排查人", "公益广告", "环境卫生", "order", "公平秤", "垃圾分类"]
    header += ["文明游园提示", "志愿服务站", "公共设施完好", "车辆有序停放", "备注"]
    sheet.append(header)
    sheet.append([1, park["code"], at, "赵敏", "√", "√", None, None, None, "√", "√", "√", None, "全部达标"])
    sheet.append([2, market["code"], at, "赵敏", True, "×", "√", 1, "达标", None, None, None, None, None])
    sheet.append([3, commercial["code"], at, "赵敏", "合格", "合格", "合格", None, None, None, None, None, "/", None])
    path = tmp_path / "weekly.xlsx"
    book.save(path)

    report = load(path, Options(), db=db)

    assert report.rejected == {} and report.layout == "wide"
    assert (report.recorded, report.elements, report.failures, report.opened) == (3, 13, 1, 1)
    assert ("element", "order", "'order'") in report.understood and ("element", "sanitation", "'环境卫生'") in (
        report.understood
    )
    with db.transaction() as cur:
        views = {p["id"]: history.view(cur, p["id"]) for p in (park, market, commercial)}

    after = _latest(db, park["id"])
    assert after["at"] == at.replace(tzinfo=TZ) and after["note"] == "排查人：赵敏；全部达标"
    assert after["passed"] == after["results"] == after["required"] == 5 and after["carried"] == 0
    assert views[park["id"]]["compliant"] is True and views[park["id"]]["compliance"] == 1.0

    after = _latest(db, market["id"])
    assert (after["passed"], after["results"]) == (4, 5) and [c[0] for c in after["cases"]] == ["sanitation"]
    assert views[market["id"]]["compliance"] == pytest.approx(after["passed"] / after["results"])

    after = _latest(db, commercial["id"])  # 'order' is 店外经营整治 here; parking ('/') is not judged
    assert after["given"] == {"ads": True, "sanitation": True, "order": True}

    assert load(path, Options(), db=db).repeats == 3


def test_a_partial_inspection_keeps_the_other_elements_latest_results_marked_carried(db, tmp_path):
    point = _failing_point(db, "hospital", 1)
    was = _latest(db, point["id"])
    header = ["点位编号", "要素", "结果", "排查时间"]
    path = _csv(tmp_path / "partial.csv", header, [[point["code"], "ads", "达标", _day(1)]])
    assert load(path, Options(), db=db).recorded == 1
    now = _latest(db, point["id"])
    assert now["given"] == {"ads": True}
    assert (now["results"], now["carried"]) == (was["required"], was["required"] - 1)


def test_one_bad_row_refuses_the_file_with_each_row_and_why_and_writes_nothing(db, tmp_path, capsys):
    school = _failing_point(db, "school", 3)
    hospital = _failing_point(db, "hospital", 0)
    day, tomorrow = _day(1), _day(-1)
    rows = [
        [school["code"], "公益广告", "达标", day, "钱七"],  # 1: good
        ["CP999999", "公益广告", "达标", day, "钱七"],  # 2: no such checkpoint
        [school["code"], "交通秩序", "maybe", day, "钱七"],  # 3: unreadable result
        [school["code"], "公平秤", "达标", day, "钱七"],  # 4: not a school's element
        [hospital["code"], "ads", "达标", tomorrow, "钱七"],  # 5: in the future
        [hospital["code"], "ads", "达标", "下周三", "钱七"],  # 6: unreadable time
        [school["code"], "ads", "不达标", day, "钱七"],  # 7: contradicts row 1
        [school["code"], "", "达标", day, "钱七"],  # 8: no element
    ]
    path = _csv(tmp_path / "bad.csv", ["点位代码", "element", "result", "inspected_at", "inspector"], rows)
    before = _written(db)

    report = load(path, Options(), db=db)

    assert report.recorded == 0 and sorted(report.rejected) == [2, 3, 4, 5, 6, 7, 8]
    zh = {row: say(reason, "zh") for row, reason in report.rejected.items()}
    assert zh[2] == "点位编号 'CP999999' 不存在" and str(report.rejected[2]) == "no checkpoint has the code 'CP999999'"
    assert "'maybe'" in zh[3] and "无法识别" in zh[3] and "unreadable result 'maybe'" in str(report.rejected[3])
    assert "'公平秤' 不是 school 类点位的要素" in zh[4] and "guard" in zh[4]
    assert "晚于现在" in zh[5] and "in the future" in str(report.rejected[5])
    assert "'下周三'" in zh[6]
    assert zh[7] == "要素 ads 的结果与同一次排查的第 1 行矛盾"
    assert zh[8] == "缺少要素"
    assert _written(db) == before

    # The command line says the same, Chinese first, and exits 2; the report has every row.
    assert main(["inspections", str(path), "--report", str(tmp_path / "bad-report.csv")]) == 2
    out = capsys.readouterr().out
    assert "有 7 行被拒绝，整个文件未写入" in out and "7 rows refused, nothing written" in out
    assert "第 2 行 / row 2: 点位编号 'CP999999' 不存在 / no checkpoint has the code 'CP999999'" in out
    lines = list(csv.reader((tmp_path / "bad-report.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert ["", "refused", "7", ""] in lines and [r[0] for r in lines if r[0] and r[1] == "refused"] == list("2345678")
    assert ["2", "refused", "点位编号 'CP999999' 不存在", "no checkpoint has the code 'CP999999'"] in lines
    assert _written(db) == before


def test_an_element_judged_by_devices_is_refused_in_either_layout(db, tmp_path):
    crossing = _failing_point(db, "intersection", 0)
    day = _day(1)
    wide = _csv(
        tmp_path / "wide.csv",
        ["点位编号", "排查时间", "公益广告", "视频监控覆盖", "交通秩序"],
        [[crossing["code"], day, "达标", "", "达标"], [crossing["code"], _day(2), "达标", "达标", "达标"]],
    )
    long = _csv(
        tmp_path / "long.csv",
        ["checkpoint", "element", "result", "date"],
        [[crossing["code"], "ads", "pass", day], [crossing["code"], "camera", "pass", day]],
    )
    before = _written(db)

    refused = load(wide, Options(), db=db)
    assert list(refused.rejected) == [2]  # an empty camera cell is not judged: row 1 alone would load
    assert "由设备判定" in say(refused.rejected[2], "zh") and "judged by devices" in str(refused.rejected[2])
    refused = load(long, Options(), db=db)
    assert list(refused.rejected) == [2] and "'camera'" in str(refused.rejected[2])
    assert _written(db) == before


def test_a_dry_run_counts_and_writes_nothing_and_the_command_line_records(db, tmp_path, capsys):
    community = _failing_point(db, "community", 0)
    rows = [[community["code"], name, "合格", _day(3), "孙丽"] for name in community["elements"].values()]
    path = _csv(tmp_path / "社区.csv", ["点位编号", "要素", "结果", "排查时间", "排查人"], rows)
    before = _written(db)

    assert main(["inspections", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "试运行，未写入" in out and "1 inspections recorded" in out and "dry run, nothing written" in out
    assert _written(db) == before

    assert main(["inspections", str(path), "--actor", "督查组"]) == 0
    out = capsys.readouterr().out
    assert "记录排查 1 次" in out and "1 inspections recorded, 0 repeats" in out and "6 element results" in out
    latest = _latest(db, community["id"])
    assert latest["inspector"] == "督查组：社区.csv" and latest["passed"] == latest["results"] == latest["required"]
    assert main(["inspections", str(path)]) == 0
    assert "0 inspections recorded, 1 repeats" in capsys.readouterr().out


def test_a_file_refused_as_a_whole_says_why_in_one_line(db, tmp_path, capsys):
    half = _csv(tmp_path / "half.csv", ["点位编号", "要素", "排查时间"], [["CP000001", "ads", _day(1)]])
    assert main(["inspections", str(half)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: 有 '要素' 列却缺少结果列") and "no result column" in err and "\n" not in err
    stray = _csv(tmp_path / "stray.csv", ["点位编号", "排查时间", "门前三包"], [["CP000001", _day(1), "达标"]])
    assert main(["inspections", str(stray)]) == 2
    assert "'门前三包'" in capsys.readouterr().err


def test_every_inspection_reason_reads_in_both_languages():
    import string

    from geodata.load.reasons import Reason
    from i18n.load_inspections import LOAD_INSPECTIONS

    reasons = [k for k in LOAD_INSPECTIONS if k.startswith("load.insp.") and k.count(".") == 2]
    assert len(reasons) >= 12
    for key in reasons:
        _zh, en = LOAD_INSPECTIONS[key]
        values = {f: "x" for _, f, _, _ in string.Formatter().parse(en) if f}
        reason = Reason(key.removeprefix("load."), **values)
        assert str(reason) == en.format(**values)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in say(reason, "zh")), key
