-- The distinct applicant identity numbers of a batch's loadable dossiers, to hash.
select distinct applicant_id_number
from staging.ho_so_loadable
where batch_id = %(batch_id)s and applicant_id_number is not null
