-- The case loop (五单工作法) as data: which action moves a case from which status to which, what
-- the action must carry, which step timestamp it stamps and which later stamps it clears.
CREATE TABLE IF NOT EXISTS case_transitions (
    from_status text NOT NULL REFERENCES case_statuses (code),
    action      text NOT NULL CHECK (action ~ '^[a-z_]+$'),
    to_status   text NOT NULL REFERENCES case_statuses (code),
    requires    text[] NOT NULL DEFAULT '{}',  -- fields the request must carry
    stamps      text CHECK (stamps IN ('dispatched_at', 'accepted_at', 'resolved_at', 'rated_at', 'closed_at')),
    clears      text[] NOT NULL DEFAULT '{}',  -- step timestamps reset (a re-dispatch starts the steps again)
    name        text NOT NULL,
    name_en     text NOT NULL,
    PRIMARY KEY (from_status, action)
);

INSERT INTO case_transitions (from_status, action, to_status, requires, stamps, clears, name, name_en) VALUES
    ('reported',   'dispatch', 'dispatched', '{department}',   'dispatched_at', '{}', '派单', 'Dispatch'),
    ('returned',   'dispatch', 'dispatched', '{department}',   'dispatched_at', '{accepted_at}', '重新派单', 'Re-dispatch'),
    ('dispatched', 'accept',   'accepted',   '{}',             'accepted_at',   '{}', '签收', 'Accept'),
    ('dispatched', 'return',   'returned',   '{note}',         NULL,            '{}', '退回', 'Return for re-dispatch'),
    ('accepted',   'return',   'returned',   '{note}',         NULL,            '{}', '退回', 'Return for re-dispatch'),
    ('accepted',   'resolve',  'resolved',   '{reply}',        'resolved_at',   '{}', '办结反馈', 'Resolve with a reply'),
    ('resolved',   'rate',     'rated',      '{satisfaction}', 'rated_at',      '{}', '群众评价', 'Rate'),
    ('resolved',   'close',    'closed',     '{}',             'closed_at',     '{}', '核验结案', 'Verify and close'),
    ('rated',      'close',    'closed',     '{}',             'closed_at',     '{}', '核验结案', 'Verify and close'),
    ('reported',   'reject',   'rejected',   '{note}',         'closed_at',     '{}', '作废', 'Reject as invalid'),
    ('dispatched', 'reject',   'rejected',   '{note}',         'closed_at',     '{}', '作废', 'Reject as invalid'),
    ('returned',   'reject',   'rejected',   '{note}',         'closed_at',     '{}', '作废', 'Reject as invalid'),
    ('reported',   'merge',    'merged',     '{merged_into}',  'closed_at',     '{}', '合并', 'Merge as duplicate'),
    ('dispatched', 'merge',    'merged',     '{merged_into}',  'closed_at',     '{}', '合并', 'Merge as duplicate'),
    ('returned',   'merge',    'merged',     '{merged_into}',  'closed_at',     '{}', '合并', 'Merge as duplicate')
ON CONFLICT (from_status, action) DO NOTHING;
