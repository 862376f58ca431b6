-- Whether a staging table holds the rows of one batch and of no other: the load may then
-- truncate it rather than delete the rows one by one. min and max read the two ends of the
-- primary key (batch_id, record_no[, ordinal]); an empty table gives NULL (nothing to do). The
-- load's scratch tables (staging.ho_so_prepared, V023) have no key, which would cost every
-- insert: there they scan the table (15-21 ms for 300,000 rows).
select min(batch_id) = %(batch_id)s and max(batch_id) = %(batch_id)s
from {table}
