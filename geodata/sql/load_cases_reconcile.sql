-- Before a cases load writes: what each staged row may change of a case that already exists.
-- * Its status and step times change only when the file says the status (status_given) and the
--   case loop can move there from the case's status in one step or several; a backward move
--   (closed → reported) only when %(backward)s. Otherwise the case keeps them. A forward move keeps
--   the times the file leaves empty of the steps its new status has passed (case_statuses.step).
-- * A value the file leaves empty never erases one the case has.
WITH RECURSIVE moves (f, t) AS (
    SELECT from_status, to_status FROM case_transitions
     UNION
    SELECT m.f, ct.to_status FROM moves m JOIN case_transitions ct ON ct.from_status = m.t
), decide AS (
    SELECT s.ctid AS row_at, c.status, c.dispatched_at, c.accepted_at, c.resolved_at, c.rated_at, c.closed_at,
           c.description, c.address, c.department_id, c.satisfaction, c.reply, c.source_category, c.source_status,
           s.status_given AND s.status <> c.status
               AND NOT EXISTS (SELECT 1 FROM moves WHERE f = c.status AND t = s.status) AS backward,
           ns.step AS new_step, s.status_given
      FROM load_stage_cases s
      JOIN case_keys k ON k.source = s.source AND k.external_id = s.external_id
      JOIN cases c ON c.id = k.id
      JOIN case_statuses ns ON ns.code = s.status
), rule AS (
    SELECT d.*, NOT d.status_given OR (d.backward AND NOT %(backward)s) AS keep FROM decide d
)
UPDATE load_stage_cases s SET
    status = CASE WHEN r.keep THEN r.status ELSE s.status END,
    dispatched_at = CASE WHEN r.keep THEN r.dispatched_at WHEN r.backward THEN s.dispatched_at
                         WHEN r.new_step >= 2 THEN coalesce(s.dispatched_at, r.dispatched_at) ELSE s.dispatched_at END,
    accepted_at = CASE WHEN r.keep THEN r.accepted_at WHEN r.backward THEN s.accepted_at
                       WHEN r.new_step >= 3 THEN coalesce(s.accepted_at, r.accepted_at) ELSE s.accepted_at END,
    resolved_at = CASE WHEN r.keep THEN r.resolved_at WHEN r.backward THEN s.resolved_at
                       WHEN r.new_step >= 4 THEN coalesce(s.resolved_at, r.resolved_at) ELSE s.resolved_at END,
    rated_at = CASE WHEN r.keep THEN r.rated_at WHEN r.backward THEN s.rated_at
                    WHEN r.new_step >= 5 THEN coalesce(s.rated_at, r.rated_at) ELSE s.rated_at END,
    closed_at = CASE WHEN r.keep THEN r.closed_at WHEN r.backward THEN s.closed_at
                     WHEN r.new_step >= 6 THEN coalesce(s.closed_at, r.closed_at) ELSE s.closed_at END,
    description = coalesce(s.description, r.description),
    address = coalesce(s.address, r.address),
    department_id = coalesce(s.department_id, r.department_id),
    satisfaction = coalesce(s.satisfaction, r.satisfaction),
    reply = coalesce(s.reply, r.reply),
    source_category = coalesce(s.source_category, r.source_category),
    source_status = coalesce(s.source_status, r.source_status)
  FROM rule r
 WHERE s.ctid = r.row_at
