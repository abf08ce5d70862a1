-- Assessment schemes as data (issue 27, point 2): what a scheme scores, how, and how it flags.
-- geodata/assessment/schemes.py reads them; docs/assessment.md ("Schemes") describes the vocabulary.
--
-- A scheme's score is the sum of its items' points (scorer 'items'), or today's composite of
-- geodata/kpis.py (scorer 'kpis', whose inputs are not assessment indicators).
-- Flag rule, one form each for red (红旗) and black (黑旗), among the units with a score:
--   'count' value N: the best (worst) N;  'share' value S: the best (worst) ceil(S × n);
--   'score' value X: red when score >= X, black when score < X;  'none': no flag.
-- No flag at all while fewer than flag_min units have a score; red wins over black.
CREATE TABLE IF NOT EXISTS assessment_schemes (
    code        text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{0,39}$'),
    name        text NOT NULL,
    name_en     text NOT NULL,
    applies_to  text NOT NULL CHECK (applies_to IN ('unit', 'department', 'post')),
    scorer      text NOT NULL DEFAULT 'items' CHECK (scorer IN ('items', 'kpis')),
    red_rule    text NOT NULL DEFAULT 'share' CHECK (red_rule IN ('count', 'share', 'score', 'none')),
    red_value   numeric,
    black_rule  text NOT NULL DEFAULT 'share' CHECK (black_rule IN ('count', 'share', 'score', 'none')),
    black_value numeric,
    flag_min    integer NOT NULL DEFAULT 3 CHECK (flag_min >= 1),
    source      text NOT NULL DEFAULT '',
    CHECK ((red_rule = 'none') = (red_value IS NULL)),
    CHECK ((black_rule = 'none') = (black_value IS NULL)),
    CHECK (red_rule NOT IN ('count', 'share') OR red_value > 0),
    CHECK (black_rule NOT IN ('count', 'share') OR black_value > 0)
);

-- One scored item. Its indicator's value v is taken in per cent for a rate (0–100), as it is for a
-- count; the indicator key is checked against geodata/assessment/indicators.py when a scheme loads.
--   'linear'    points = base + weight × v
--   'threshold' points = full when v >= at; below it full − per_point × (at − v), not under floor
--               (per_point NULL: floor at once)
--   'steps'     points of the first [bound, points] pair of steps (bounds ascending) with v <= bound,
--               else floor
-- if_none: the points when the indicator has no base (a rate over 0); NULL: the unit has no score.
CREATE TABLE IF NOT EXISTS assessment_items (
    scheme    text NOT NULL REFERENCES assessment_schemes (code) ON DELETE CASCADE,
    position  integer NOT NULL,
    indicator text NOT NULL,
    form      text NOT NULL CHECK (form IN ('linear', 'threshold', 'steps')),
    base      numeric NOT NULL DEFAULT 0,
    weight    numeric,
    full_     numeric,
    at        numeric,
    per_point numeric CHECK (per_point IS NULL OR per_point >= 0),
    steps     jsonb,
    floor_    numeric NOT NULL DEFAULT 0,
    if_none   numeric,
    note      text NOT NULL DEFAULT '',
    PRIMARY KEY (scheme, position),
    CHECK (form <> 'linear' OR weight IS NOT NULL),
    CHECK (form <> 'threshold' OR (full_ IS NOT NULL AND at IS NOT NULL)),
    CHECK (form <> 'steps' OR jsonb_typeof(steps) = 'array')
);

-- The active scheme of each grouping (a unit level, exclusive_grid, department or post), set by an admin.
CREATE TABLE IF NOT EXISTS assessment_active (
    level      text PRIMARY KEY
               CHECK (level IN ('city', 'district', 'street', 'community', 'grid', 'micro', 'exclusive_grid',
                                   'department', 'post')),
    scheme     text NOT NULL REFERENCES assessment_schemes (code),
    changed_at timestamptz NOT NULL DEFAULT now(),
    changed_by text NOT NULL DEFAULT ''
);

INSERT INTO assessment_schemes (code, name, name_en, applies_to, scorer, red_rule, red_value, black_rule,
                                black_value, flag_min, source) VALUES
    ('composite', '综合评分（现行）', 'Composite (today''s)', 'unit', 'kpis', 'share', 0.2, 'share', 0.2, 3,
     'geodata/kpis.py score() and rank(): on-time, satisfaction, online, checkpoint, within-deadline'),
    ('szcg', '数字城管综合评分', 'Digital city management score', 'unit', 'items', 'share', 0.2, 'share', 0.2, 3,
     'a city 城管 assessment page (DESIGN §13)'),
    ('jinhua', '金华数字城管考核', 'Jinhua digital city management', 'unit', 'items', 'share', 0.2, 'share', 0.2, 3,
     '金华 数字城管 assessment rules (DESIGN §13); urgent cases, scored separately there, left out'),
    ('department', '部门考核（联通）', 'Department score (Unicom)', 'department', 'items', 'share', 0.2, 'share', 0.2,
     3, 'China Unicom 数字城管 platform, StatisticsService.java (DESIGN §13)'),
    ('hotline', '12345 三率', '12345 three rates', 'unit', 'items', 'share', 0.2, 'share', 0.2, 3,
     '12345 hotline 三率, one county''s weights 30/35/35 (DESIGN §13)')
ON CONFLICT (code) DO NOTHING;

INSERT INTO assessment_items (scheme, position, indicator, form, base, weight, full_, at, per_point, steps,
                              floor_, note) VALUES
    -- 按期结案率 × 100 × 50% + 结案率 × 100 × 30% + (1 − 返工率) × 100 × 10% + (10 − 督办数 × 0.5 − 督办未处理数),
    -- 督办未处理数 read as 督办数 − 督办办结数: 10 − 1.5 × 督办数 + 督办办结数
    ('szcg', 1, 'on_time_rate', 'linear', 0, 0.5, NULL, NULL, NULL, NULL, 0, '按期结案率 × 50%'),
    ('szcg', 2, 'closure_rate', 'linear', 0, 0.3, NULL, NULL, NULL, NULL, 0, '结案率 × 30%'),
    ('szcg', 3, 'rework_rate', 'linear', 10, -0.1, NULL, NULL, NULL, NULL, 0, '(100 − 返工率) × 10%'),
    ('szcg', 4, 'supervised', 'linear', 10, -1.5, NULL, NULL, NULL, NULL, 0, '10 − 督办数 × 0.5 − 督办未处理数'),
    ('szcg', 5, 'supervised_done', 'linear', 0, 1, NULL, NULL, NULL, NULL, 0, '督办未处理数 = 督办数 − 督办办结数'),
    ('jinhua', 1, 'on_time_rate', 'threshold', 0, NULL, 50, 70, 1, NULL, 0, '≥ 70% 得 50 分，每低 1 个百分点扣 1 分'),
    ('jinhua', 2, 'closure_rate', 'threshold', 0, NULL, 20, 90, NULL, NULL, 0, '≥ 90% 得 20 分'),
    ('department', 1, 'filed', 'steps', 0, NULL, NULL, NULL, NULL,
     '[[50, 10], [100, 9], [200, 7.5], [500, 6], [1000, 4]]', 0, '立案数 ≤50 → 10 … ≤1000 → 4，否则 0'),
    ('department', 2, 'closure_rate', 'linear', 0, 0.3, NULL, NULL, NULL, NULL, 0, '结案率 × 0.3'),
    ('department', 3, 'on_time_rate', 'linear', 0, 0.3, NULL, NULL, NULL, NULL, 0, '按期处置率 × 0.3'),
    ('department', 4, 'rework_rate', 'linear', 30, -0.3, NULL, NULL, NULL, NULL, 0, '(100 − 返工率) × 0.3'),
    ('hotline', 1, 'response_rate', 'linear', 0, 0.30, NULL, NULL, NULL, NULL, 0, '响应率 × 30%'),
    ('hotline', 2, 'solve_rate', 'linear', 0, 0.35, NULL, NULL, NULL, NULL, 0, '解决率 × 35%'),
    ('hotline', 3, 'satisfaction_rate', 'linear', 0, 0.35, NULL, NULL, NULL, NULL, 0, '满意率 × 35%')
ON CONFLICT (scheme, position) DO NOTHING;

-- Today's rankings stay as they are until an admin switches.
INSERT INTO assessment_active (level, scheme, changed_by)
SELECT g, CASE WHEN g = 'department' THEN 'department' ELSE 'composite' END, 'migration 0036'
  FROM unnest(ARRAY['city', 'district', 'street', 'community', 'grid', 'micro', 'exclusive_grid', 'department']) g
ON CONFLICT (level) DO NOTHING;

-- The new audit action: the active scheme switched.
ALTER TABLE audit_log DROP CONSTRAINT IF EXISTS audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN (
    'sign_in', 'sign_in_failed', 'sign_out', 'export', 'import', 'case_create', 'case_transition', 'user_admin',
    'session_end', 'case_photo', 'rating_link', 'inspection', 'inspection_round', 'notify_admin',
    'assessment_admin'));
