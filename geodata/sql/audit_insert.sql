-- Append one audit entry.
INSERT INTO audit_log (actor, action, ip, detail) VALUES (%(actor)s, %(action)s, %(ip)s, %(detail)s)
