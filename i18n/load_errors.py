"""Why a load was refused as a whole (a ``LoadError``): what is wrong with the file, the archive or
the options, and what to do. Flags (--crs, --map …), settings (GRIDOPS_IMPORT_MAX_BYTES …), file
suffixes and column names stay as they are in both languages; a library's own words (``{detail}``)
are shown as they came."""

from __future__ import annotations

LOAD_ERRORS: dict[str, tuple[str, str]] = {
    # ---- the input file: size, archive, sidecars (geodata/load/read.py)
    "load.err.missing_path": ("{path} 不存在：请检查路径", "{path} does not exist: check the path"),
    "load.err.is_folder": (
        "{path} 是文件夹：请指定数据文件（.shp、.geojson、.gpkg、.csv 或 .zip）",
        "{path} is a folder: name the data file (.shp, .geojson, .gpkg, .csv or .zip)",
    ),
    "load.err.too_large": (
        "{name} 有 {size:,} 字节，超过上限 {limit:,}（GRIDOPS_IMPORT_MAX_BYTES）：请拆分文件或调高上限",
        "{name} is {size:,} bytes, over the limit of {limit:,} (GRIDOPS_IMPORT_MAX_BYTES): split it or raise the limit",
    ),
    "load.err.bad_zip": (
        "{name} 不是可读取的 zip 压缩包（{detail}）：请重新压缩文件",
        "{name} is not a readable zip archive ({detail}): zip the files again",
    ),
    "load.err.too_many_entries": (
        "{name} 含有 {entries:,} 个条目，超过上限 {limit}（GRIDOPS_IMPORT_MAX_ENTRIES）：请只压缩数据文件",
        "{name} holds {entries:,} entries, over the limit of {limit} (GRIDOPS_IMPORT_MAX_ENTRIES): "
        "zip only the data files",
    ),
    "load.err.unzipped_too_large": (
        "{name} 声明解压后有 {declared:,} 字节，超过上限 {limit:,}（GRIDOPS_IMPORT_MAX_BYTES）：未读取即拒绝",
        "{name} declares {declared:,} bytes uncompressed, over the limit of {limit:,} (GRIDOPS_IMPORT_MAX_BYTES): "
        "refused unread",
    ),
    "load.err.member_outside": (
        "{archive}：成员 {member!r} 指向压缩包之外，已拒绝；请重新压缩，不要使用绝对路径或 '..' 路径",
        "{archive}: member {member!r} points outside the archive: refused; zip the files again without "
        "absolute or '..' paths",
    ),
    "load.err.member_link": (
        "{archive}：成员 {member!r} 是符号链接，已拒绝；请压缩文件本身",
        "{archive}: member {member!r} is a symbolic link: refused; zip the files themselves",
    ),
    "load.err.member_encrypted": (
        "{archive}：成员 {member!r} 已加密：请不设密码重新压缩",
        "{archive}: member {member!r} is encrypted: zip it without a password",
    ),
    "load.err.member_ratio": (
        "{archive}：成员 {member!r} 解压后膨胀 {ratio:,.0f} 倍（上限 {limit:g}，GRIDOPS_IMPORT_MAX_RATIO）："
        "疑似 zip 炸弹，已拒绝",
        "{archive}: member {member!r} expands {ratio:,.0f}-fold (limit {limit:g}, GRIDOPS_IMPORT_MAX_RATIO): "
        "refused as a possible zip bomb",
    ),
    "load.err.member_overflow": (
        "{archive}：成员 {member!r} 的内容超过其声明的 {size:,} 字节：疑似 zip 炸弹，已拒绝",
        "{archive}: member {member!r} holds more than its declared {size:,} bytes: refused as a possible zip bomb",
    ),
    "load.err.member_unreadable": (
        "{archive}：成员 {member!r} 无法解压（{detail}）：请重新压缩文件",
        "{archive}: member {member!r} cannot be unpacked ({detail}): zip the files again",
    ),
    "load.err.zip_no_data": (
        "{archive} 中没有 .shp、.geojson、.gpkg 或 .csv 文件：请压缩数据文件",
        "{archive} holds no .shp, .geojson, .gpkg or .csv file: zip the data files",
    ),
    "load.err.zip_many_data": (
        "{archive} 含有 {count} 个数据文件（{names}）：每个压缩包只放一个图层",
        "{archive} holds {count} data files ({names}): zip one layer per archive",
    ),
    # ---- reading (geodata/load/read.py)
    "load.err.unknown_format": (
        "{name}：文件格式未知（{suffix}）：请使用 .shp（或其 zip 压缩包）、.geojson、.gpkg 或 .csv",
        "{name}: unknown format {suffix}: use .shp (or a zip of it), .geojson, .gpkg or .csv",
    ),
    "load.err.no_suffix": ("无后缀名", "(no suffix)"),
    "load.err.unreadable": (
        "无法读取 {name}（{detail}）：请检查文件是否完整，必要时重新导出",
        "cannot read {name} ({detail}): check that the file is complete and exported again if need be",
    ),
    "load.err.no_sidecar": (
        "{name} 旁边缺少 {ext} 文件：请复制 shapefile 的全部文件（.shp、.shx、.dbf、.prj），或将它们一起压缩",
        "{name} has no {ext} beside it: copy all parts of the shapefile (.shp, .shx, .dbf, .prj), or zip them together",
    ),
    "load.err.not_shapefile": (
        "{name} 不是 shapefile（文件头有误）：请重新导出该图层",
        "{name} is not a shapefile (bad header): export the layer again",
    ),
    "load.err.truncated": (
        "{name} 不完整（只有 {actual:,} 字节，应为 {declared:,} 字节）：请重新复制或导出",
        "{name} is truncated ({actual:,} of {declared:,} bytes): copy or export it again",
    ),
    "load.err.truncated_header": (
        "{name} 不完整（缺少文件头）：请重新复制或导出",
        "{name} is truncated (no header): copy or export it again",
    ),
    "load.err.dbf_encoding": (
        "{name}：文本既不是 UTF-8 也不是 GBK：请用 --encoding 指定编码",
        "{name}: text is neither UTF-8 nor GBK: give the encoding with --encoding",
    ),
    "load.err.unknown_encoding": (
        "{where}：未知编码 {label!r}：请使用 UTF-8、GBK 或 GB18030 等",
        "{where}: unknown encoding {label!r}: use e.g. UTF-8, GBK or GB18030",
    ),
    "load.err.binary_csv": (
        "{name} 不是文本 CSV（含有二进制数据）：请将表格导出为 CSV",
        "{name} is not a text CSV (it holds binary data): export the table as CSV",
    ),
    "load.err.wrong_encoding": (
        "{name} 无法按 {encoding} 读取（第 {byte} 字节）：请检查 --encoding",
        "{name} cannot be read as {encoding} (byte {byte}): check --encoding",
    ),
    "load.err.csv_encoding": (
        "{name} 既不是 UTF-8 也不是 GBK 文本：请用 --encoding 指定编码",
        "{name} is neither UTF-8 nor GBK text: give its encoding with --encoding",
    ),
    "load.err.csv_blank_start": (
        "{name} 为空或以空行开头：第一行必须是列名",
        "{name} is empty or starts with a blank line: the first line must name the columns",
    ),
    "load.err.bad_csv": (
        "{name} 不是格式正确的 CSV（{detail}）：请检查引号和每行的列数",
        "{name} is not a well-formed CSV ({detail}): check quoting and column counts",
    ),
    "load.err.no_header": (
        "{name} 没有表头行（第一行是数据：{first!r}）：请在第一行写上列名，如 lon,lat,name",
        "{name} has no header row (its first line holds values: {first!r}): add a first line naming the "
        "columns, e.g. lon,lat,name",
    ),
    # ---- the coordinates' frame and the territory (geodata/load/checks.py)
    "load.err.bad_crs": (
        "--crs {crs}：不是有效的坐标系；请使用 EPSG:NNNN、ESRI:NNNN、gcj02 或 bd09",
        "--crs {crs}: not a coordinate system; use EPSG:NNNN, ESRI:NNNN, gcj02 or bd09",
    ),
    "load.err.no_crs": (
        "{name} 未说明所用的坐标系：请用 --crs 声明（GPS/WGS84 经纬度用 EPSG:4326，高德/腾讯用 gcj02，"
        "百度用 bd09，投影坐标 x/y 用其 EPSG 代码）",
        "{name} does not say which coordinate system it uses: declare it with --crs (EPSG:4326 for "
        "GPS/WGS84 lon/lat, gcj02 for AMap/Tencent, bd09 for Baidu, or the EPSG code of projected x/y)",
    ),
    "load.err.unknown_file_crs": (
        "无法识别文件的坐标系 {crs!r}：请用 --crs 声明",
        "the file's coordinate system {crs!r} is not understood: declare it with --crs",
    ),
    "load.err.no_territory": (
        "数据库中还没有辖区：请先导入顶级单元（gridops load units FILE --level district）",
        "the database holds no territory yet: load the top-level units first "
        "(gridops load units FILE --level district)",
    ),
    # ---- the kind and options of a load (geodata/load/loader.py, fields.py, rows.py, runs.py)
    "load.err.unknown_kind": (
        "未知的数据类型 {kind!r}：请使用 {kinds} 之一",
        "unknown kind {kind!r}: use one of {kinds}",
    ),
    "load.err.unknown_tz": (
        "--tz {tz}：未知时区；请使用如 Asia/Shanghai 或 America/New_York",
        "--tz {tz}: unknown time zone; use e.g. Asia/Shanghai or America/New_York",
    ),
    "load.err.units_need_polygons": (
        "{name}：单元须为面：请导入 shapefile、GeoJSON 或 GeoPackage，或带 WKT 列的 CSV",
        "{name}: units need polygons: load a shapefile, GeoJSON or GeoPackage, or a CSV with a WKT column",
    ),
    "load.err.map_no_field": (
        "--map {ours}=…：{kind}没有字段 {ours!r}；可用字段：{fields}",
        "--map {ours}=…: {kind} have no field {ours!r}; fields: {fields}",
    ),
    "load.err.map_no_column": (
        "--map {ours}={theirs}：文件中没有列 {theirs!r}；文件的列：{columns}",
        "--map {ours}={theirs}: the file has no column {theirs!r}; columns: {columns}",
    ),
    "load.err.map_syntax": (
        "--map {pair!r}：请写成 OUR_FIELD=THEIR_COLUMN，如 --map lon=GPS_X",
        "--map {pair!r}: write OUR_FIELD=THEIR_COLUMN, e.g. --map lon=GPS_X",
    ),
    "load.err.map_file_unreadable": (
        "{flag} {path}：无法读取（{detail}）：请提供 UTF-8 编码的 CSV 或 JSON 文件",
        "{flag} {path}: cannot be read ({detail}): give a UTF-8 CSV or JSON file",
    ),
    "load.err.map_file_malformed": (
        "{flag} {path}：既不是 JSON 对象，也不是两列的 CSV（{detail}）",
        "{flag} {path}: not a JSON object or two-column CSV ({detail})",
    ),
    "load.err.map_file_not_object": (
        "{flag} {path}：应为“文件的取值 → 我们的取值”形式的对象",
        "{flag} {path}: expected an object of their value → ours",
    ),
    "load.err.status_map_target": (
        "--status-map {path}：{source!r} → {target!r}：目标须为以下之一：{statuses}",
        "--status-map {path}: {source!r} → {target!r}: the target must be one of {statuses}",
    ),
    "load.err.category_map_target": (
        "--category-map {path}：{source!r} → {target!r}：目标须为我们的末级类别编码"
        "（见 GET /api/v1/categories；共 {count} 行如此）",
        "--category-map {path}: {source!r} → {target!r}: the target must be one of our leaf category "
        "codes (GET /api/v1/categories; {count} such rows)",
    ),
    "load.err.no_column": (
        "{name}：未找到 {field} 列（{hint}）：请按此命名该列，或用 --map {field}=COLUMN 指定",
        "{name}: no {field} column found ({hint}): name it, or point to it with --map {field}=COLUMN",
    ),
    "load.err.geometry_column": (
        "{name}：列 {column!r} 既不是 WKT 也不是十六进制 WKB：请用 --map lon=COLUMN --map lat=COLUMN 指定坐标列",
        "{name}: column {column!r} holds neither WKT nor hex WKB: map the coordinates with "
        "--map lon=COLUMN --map lat=COLUMN",
    ),
    "load.err.no_coordinates": (
        "{name}：未找到坐标：请将列命名为 lon 和 lat（或 {lon_lat}、x/y），或添加 WKT 列，"
        "或用 --map lon=COLUMN --map lat=COLUMN 指定",
        "{name}: no coordinates found: name the columns lon and lat (or {lon_lat}, x/y), add a WKT column, "
        "or point to them with --map lon=COLUMN --map lat=COLUMN",
    ),
    "load.err.which_level": (
        "请说明这些单元的层级：--level {levels}",
        "say which level these units are: --level {levels}",
    ),
    "load.err.unit_kind": (
        "--kind {kind}：{level}单元的类型只能是 {kinds}",
        "--kind {kind}: {level} units are {kinds}",
    ),
    "load.err.no_parents": (
        "还没有{above}单元：请先导入（{level}会关联到包含它的{above}）",
        "there are no {above} units yet: load them first (a {level} is linked to the {above} containing it)",
    ),
    "load.err.unknown_source": (
        "--source {source}：未知来源；可用：{known}",
        "--source {source}: unknown source; known: {known}",
    ),
    "load.err.not_leaf_category": (
        "--category {category}：不是末级类别；可用：{known}",
        "--category {category}: not a leaf category; known: {known}",
    ),
    "load.err.unsupported_upload": (
        "不支持的文件类型（{suffix}）：请上传以下之一：{suffixes}"
        "（shapefile 请将 .shp、.shx、.dbf 和 .prj 一起打包为 .zip）",
        "unsupported file type {suffix}: upload one of {suffixes} (a shapefile as a .zip with its .shp, .shx, "
        ".dbf and .prj)",
    ),
    "load.err.none": ("无后缀名", "(none)"),
    "load.err.upload_too_large": (
        "文件超过 GRIDOPS_IMPORT_MAX_BYTES（{limit:,} 字节）",
        "the file is larger than GRIDOPS_IMPORT_MAX_BYTES ({limit:,} bytes)",
    ),
    # the values the sentences above name: a kind of file, and column names to look for (a column's
    # name is data, kept as it is: {a}, {b} …)
    "load.err.kind.units": ("单元", "units"),
    "load.err.kind.cameras": ("摄像头", "cameras"),
    "load.err.kind.checkpoints": ("创文点位", "checkpoints"),
    "load.err.kind.cases": ("案件", "cases"),
    "load.err.either": ("{a} 或 {b}", "{a} or {b}"),
    "load.err.one_of_3": ("{a}、{b} 或 {c}", "{a}, {b} or {c}"),
    "load.err.one_of_4": ("{a}、{b}、{c} 或 {d}", "{a}, {b}, {c} or {d}"),
    "load.err.an_id": ("工单编号，如 {a}、{b} 或 {c}", "an id such as {a}, {b} or {c}"),
    "load.err.a_time": ("上报时间，如 {a}、{b} 或 {c}", "a time such as {a}, {b} or {c}"),
    "load.err.not_set_up": (
        "数据库尚未初始化（没有 GridOps 的表）：请先运行 gridops setup --no-demo",
        "the database has no GridOps tables: run gridops setup --no-demo first",
    ),
}
