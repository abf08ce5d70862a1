-- The actions allowed from one status, sorted.
SELECT action FROM case_transitions WHERE from_status = %(status)s ORDER BY action
