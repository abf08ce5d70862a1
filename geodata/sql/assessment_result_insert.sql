-- Store one result of a closed period.
INSERT INTO assessment_results (period, grouping, key, scheme, counts, score, rank, flag)
VALUES (%(period)s, %(grouping)s, %(key)s, %(scheme)s, %(counts)s, %(score)s, %(rank)s, %(flag)s)
