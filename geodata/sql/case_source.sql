-- Where a case came from (an API key moves only cases of its own sources).
SELECT source FROM cases WHERE id = %(id)s
