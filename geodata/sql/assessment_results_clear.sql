-- Drop a period's stored results (before they are stored again).
DELETE FROM assessment_results WHERE period = %(label)s
