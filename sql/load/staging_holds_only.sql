-- Whether a staging table holds the rows of one batch and of no other: the load may then
-- truncate it rather than delete the rows one by one. min and max read the two ends of the
-- primary key (batch_id, record_no[, ordinal]); an empty table gives NULL (nothing to do).
select min(batch_id) = %(batch_id)s and max(batch_id) = %(batch_id)s
from {table}
