-- V015: the source fields the 766 and PAR scorecards and the one-stop compliance flags need
-- (shared/spec/scorecards.md, "Contract additions"; source-api.md): on dossiers CoKetQuaDienTu,
-- TaiKhoanDuocXacThucVoiVNeID and the apology letters DanhSachXinLoi, on procedures
-- DuDieuKienToanTrinh and CoThanhToanTrucTuyen. Records without them mean 0 / false / no
-- letter, so every existing row gets false and no letter.
--
-- The content hashes now cover the new fields (sql/load/fact_dossier.sql, dim_procedure.sql).
-- Rows loaded before have a hash of the old formula, which a version carrying the new fields
-- with the same NgayCapNhat would beat only half of the time: their hashes are cleared, so
-- the next load of the same version (a re-extraction or a replay) settles them, as V012 did.

-- ---------------------------------------------------------------------------------------------
-- Staging
-- ---------------------------------------------------------------------------------------------

alter table staging.ho_so
    add column has_electronic_result boolean,
    add column has_electronic_result_raw text,
    add column is_vneid_verified boolean,
    add column is_vneid_verified_raw text;

comment on column staging.ho_so.has_electronic_result is 'Có kết quả điện tử CoKetQuaDienTu (0/1) / an electronic result was issued';
comment on column staging.ho_so.has_electronic_result_raw is 'CoKetQuaDienTu như nhận / as received';
comment on column staging.ho_so.is_vneid_verified is
    'Tài khoản xác thực VNeID TaiKhoanDuocXacThucVoiVNeID (0/1) / the applicant''s account is authenticated with VNeID';
comment on column staging.ho_so.is_vneid_verified_raw is 'TaiKhoanDuocXacThucVoiVNeID như nhận / as received';

create table staging.ho_so_xin_loi (
    batch_id bigint not null,
    record_no integer not null,
    ordinal integer not null,
    apologised_at timestamptz,
    apologised_raw text,
    new_due_at timestamptz,
    new_due_raw text,
    reason text,
    reason_raw text,
    primary key (batch_id, record_no, ordinal)
);

comment on table staging.ho_so_xin_loi is
    'Các phiếu xin lỗi, hẹn lại ngày trả / one row per apology letter (DanhSachXinLoi) of a staged dossier';
comment on column staging.ho_so_xin_loi.batch_id is 'Lô / batch';
comment on column staging.ho_so_xin_loi.record_no is 'Số bản ghi trong lô / record number in the batch';
comment on column staging.ho_so_xin_loi.ordinal is 'Vị trí trong DanhSachXinLoi, từ 1 / position in the list, from 1';
comment on column staging.ho_so_xin_loi.apologised_at is 'Ngày xin lỗi NgayXinLoi / the letter''s date';
comment on column staging.ho_so_xin_loi.apologised_raw is 'NgayXinLoi như nhận / as received';
comment on column staging.ho_so_xin_loi.new_due_at is 'Ngày hẹn trả mới NgayHenTraMoi / the new date promised';
comment on column staging.ho_so_xin_loi.new_due_raw is 'NgayHenTraMoi như nhận / as received';
comment on column staging.ho_so_xin_loi.reason is 'Lý do LyDo (NFC, bỏ khoảng trắng thừa) / the reason given, NFC, trimmed';
comment on column staging.ho_so_xin_loi.reason_raw is 'LyDo như nhận / as received';

alter table staging.thu_tuc
    add column is_full_process_eligible boolean,
    add column is_full_process_eligible_raw text,
    add column has_online_payment boolean,
    add column has_online_payment_raw text;

comment on column staging.thu_tuc.is_full_process_eligible is
    'Đủ điều kiện cung cấp toàn trình DuDieuKienToanTrinh / eligible for full-process online service';
comment on column staging.thu_tuc.is_full_process_eligible_raw is 'DuDieuKienToanTrinh như nhận / as received';
comment on column staging.thu_tuc.has_online_payment is
    'Đã triển khai thanh toán trực tuyến CoThanhToanTrucTuyen / online payment is deployed';
comment on column staging.thu_tuc.has_online_payment_raw is 'CoThanhToanTrucTuyen như nhận / as received';

-- the loadable views list their table's columns as of their creation: the new ones join them
create or replace view staging.thu_tuc_loadable as
select s.*
from staging.thu_tuc as s
where s.procedure_code is not null
    and s.source_updated_at is not null
    and not exists (
        select from quarantine.thu_tuc as q
        where q.batch_id = s.batch_id and q.record_no = s.record_no and q.released_at is null
    );

create or replace view staging.ho_so_loadable as
select s.*
from staging.ho_so as s
where s.dossier_code is not null
    and s.source_updated_at is not null
    and not exists (
        select from quarantine.ho_so as q
        where q.batch_id = s.batch_id and q.record_no = s.record_no and q.released_at is null
    );

-- ---------------------------------------------------------------------------------------------
-- The star schema
-- ---------------------------------------------------------------------------------------------

alter table dw.fact_dossier
    add column has_electronic_result boolean not null default false,
    add column is_vneid_verified boolean not null default false;

comment on column dw.fact_dossier.has_electronic_result is
    'Có kết quả điện tử CoKetQuaDienTu; thiếu = không / an electronic result document was issued '
    '(absent at the source = false)';
comment on column dw.fact_dossier.is_vneid_verified is
    'Tài khoản người nộp xác thực VNeID TaiKhoanDuocXacThucVoiVNeID; thiếu = không / the '
    'applicant''s account is authenticated with VNeID (absent at the source = false)';

update dw.fact_dossier set content_hash = null where content_hash is not null;
comment on column dw.fact_dossier.content_hash is
    'Mã băm nội dung phiên bản / md5 of the version held (status history, supplement rounds, '
    'fees, apology letters and the scorecard flags included): on an NgayCapNhat tie the greater '
    'one wins, whatever the load order';

alter table dw.dim_procedure
    add column is_full_process_eligible boolean not null default false,
    add column has_online_payment boolean not null default false;

comment on column dw.dim_procedure.is_full_process_eligible is
    'Đủ điều kiện cung cấp DVC toàn trình DuDieuKienToanTrinh; thiếu = không / eligible for '
    'full-process online service (absent at the source = false)';
comment on column dw.dim_procedure.has_online_payment is
    'Đã triển khai thanh toán trực tuyến CoThanhToanTrucTuyen; thiếu = không / online payment is '
    'deployed for the procedure (absent at the source = false)';

-- '' is below every md5: the next load of each version rewrites it with its new attributes
update dw.dim_procedure set row_hash = '' where procedure_key <> -1;

-- Grain: one row per apology letter (DanhSachXinLoi element) of a dossier's newest version.
create table dw.fact_dossier_apology (
    dossier_key bigint not null,
    letter_no integer not null,
    apologised_at timestamptz not null,
    new_due_at timestamptz,
    reason text,
    source_code text not null references meta.source (source_code),
    primary key (dossier_key, letter_no)
);

comment on table dw.fact_dossier_apology is
    'Phiếu xin lỗi và hẹn lại ngày trả kết quả của hồ sơ trễ hạn / apology letters for late '
    'results: one row per letter of a dossier''s newest version, replaced with the dossier; a '
    'late dossier without a letter dated on or before the due date it missed is '
    'late_without_apology (scorecards.md, compliance flags)';
comment on column dw.fact_dossier_apology.dossier_key is 'Khoá hồ sơ (fact_dossier) / dossier key';
comment on column dw.fact_dossier_apology.letter_no is 'Thứ tự phiếu trong DanhSachXinLoi, từ 1 / position of the letter, from 1';
comment on column dw.fact_dossier_apology.apologised_at is 'Ngày xin lỗi NgayXinLoi / the letter''s date';
comment on column dw.fact_dossier_apology.new_due_at is 'Ngày hẹn trả mới NgayHenTraMoi / the new date promised';
comment on column dw.fact_dossier_apology.reason is 'Lý do trễ hạn LyDo / the reason given';
comment on column dw.fact_dossier_apology.source_code is 'Nguồn / the source system';

grant select on dw.fact_dossier_apology to bi_reader;

-- ---------------------------------------------------------------------------------------------
-- dw.v_dossier (V007) gains the new fields — grain: one row per dossier (as dw.fact_dossier)
-- ---------------------------------------------------------------------------------------------
create or replace view dw.v_dossier as
with dossiers as (
    select * from dw.fact_dossier
),

units as (
    select * from dw.dim_unit where is_current
),

procedures as (
    select * from dw.dim_procedure where is_current
),

letters as (
    select dossier_key, count(*)::integer as apology_count
    from dw.fact_dossier_apology
    group by dossier_key
)

select
    d.dossier_key,
    d.dossier_code,
    u.unit_code,
    u.unit_name,
    u.unit_level,
    u.parent_unit_code,
    parent.unit_name as parent_unit_name,
    p.procedure_code,
    p.procedure_name,
    p.field_code,
    p.field_name,
    p.procedure_level,
    p.online_level,
    case p.online_level
        when 'toan_trinh' then 'Toàn trình'
        when 'mot_phan' then 'Một phần'
        when 'khong' then 'Không'
    end as online_level_name_vi,
    case p.online_level
        when 'toan_trinh' then 'Full-process online'
        when 'mot_phan' then 'Partly online'
        when 'khong' then 'Not online'
    end as online_level_name_en,
    p.has_fees,
    p.legal_duration_days,
    c.channel_code,
    c.channel_name_vi,
    c.channel_name_en,
    c.is_online,
    a.applicant_type_name_vi,
    a.applicant_type_name_en,
    s.status_code,
    s.status_name_vi,
    s.status_name_en,
    s.status_class,
    s.status_class = 'finished' as is_finished,
    d.submitted_at,
    d.received_at,
    d.due_at,
    d.finished_at,
    d.returned_at,
    (d.submitted_at at time zone 'Asia/Ho_Chi_Minh')::date as submitted_date,
    (d.received_at at time zone 'Asia/Ho_Chi_Minh')::date as received_date,
    (d.due_at at time zone 'Asia/Ho_Chi_Minh')::date as due_date,
    (d.finished_at at time zone 'Asia/Ho_Chi_Minh')::date as finished_date,
    (d.returned_at at time zone 'Asia/Ho_Chi_Minh')::date as returned_date,
    received_day.report_date as received_report_date,
    d.supplement_count,
    d.fee_total,
    d.service_fee_total,
    d.levy_total,
    d.is_paid_online,
    d.online_payment_code,
    case d.online_payment_code
        when 0 then 'Không thanh toán trực tuyến'
        when 1 then 'Cổng Dịch vụ công quốc gia'
        when 2 then 'Cổng thanh toán của tỉnh'
    end as online_payment_name_vi,
    case d.online_payment_code
        when 0 then 'Not paid online'
        when 1 then 'National public service portal'
        when 2 then 'Provincial payment gateway'
    end as online_payment_name_en,
    d.has_digitised_components,
    d.source_updated_at,
    d.has_electronic_result,
    d.is_vneid_verified,
    p.is_full_process_eligible,
    p.has_online_payment,
    coalesce(l.apology_count, 0) as apology_count
from dossiers as d
left join units as u on u.unit_durable_key = d.unit_durable_key
left join units as parent on parent.unit_code = u.parent_unit_code
left join procedures as p on p.procedure_durable_key = d.procedure_durable_key
left join dw.dim_channel as c on c.channel_key = d.channel_key
left join dw.dim_applicant_type as a on a.applicant_type_key = d.applicant_type_key
left join dw.dim_status as s on s.status_key = d.current_status_key
left join dw.dim_date as received_day on received_day.date_key = d.received_date_key
left join letters as l on l.dossier_key = d.dossier_key;

comment on column dw.v_dossier.has_electronic_result is 'Có kết quả điện tử / an electronic result document was issued';
comment on column dw.v_dossier.is_vneid_verified is 'Người nộp xác thực VNeID / the applicant''s account is authenticated with VNeID';
comment on column dw.v_dossier.is_full_process_eligible is
    'Thủ tục đủ điều kiện toàn trình (hiện hành) / the procedure is eligible for full-process online service (current)';
comment on column dw.v_dossier.has_online_payment is
    'Thủ tục đã có thanh toán trực tuyến (hiện hành) / online payment is deployed for the procedure (current)';
comment on column dw.v_dossier.apology_count is 'Số phiếu xin lỗi, hẹn lại ngày trả / number of apology letters';

-- ---------------------------------------------------------------------------------------------
-- dw.v_dossier_apology — grain: one row per apology letter (as dw.fact_dossier_apology)
-- ---------------------------------------------------------------------------------------------
create view dw.v_dossier_apology as
with letters as (
    select * from dw.fact_dossier_apology
),

units as (
    select * from dw.dim_unit where is_current
)

select
    l.dossier_key,
    d.dossier_code,
    u.unit_code,
    u.unit_name,
    l.letter_no,
    l.apologised_at,
    (l.apologised_at at time zone 'Asia/Ho_Chi_Minh')::date as apologised_date,
    l.new_due_at,
    (l.new_due_at at time zone 'Asia/Ho_Chi_Minh')::date as new_due_date,
    l.reason,
    d.due_at,
    d.finished_at,
    l.source_code
from letters as l
inner join dw.fact_dossier as d on d.dossier_key = l.dossier_key
left join units as u on u.unit_durable_key = d.unit_durable_key;

comment on view dw.v_dossier_apology is
    'Phiếu xin lỗi của hồ sơ trễ hạn, dạng phẳng: một dòng mỗi phiếu, kèm mã hồ sơ và đơn vị / '
    'apology letters for late results, flat: one row per letter with its dossier and unit';
comment on column dw.v_dossier_apology.dossier_key is 'Khoá hồ sơ (fact_dossier) / dossier key';
comment on column dw.v_dossier_apology.dossier_code is 'Mã hồ sơ MaHoSo / dossier code';
comment on column dw.v_dossier_apology.unit_code is 'Mã đơn vị xử lý / handling unit code';
comment on column dw.v_dossier_apology.unit_name is 'Tên đơn vị xử lý (hiện hành) / handling unit name (current)';
comment on column dw.v_dossier_apology.letter_no is 'Thứ tự phiếu, từ 1 / position of the letter, from 1';
comment on column dw.v_dossier_apology.apologised_at is 'Thời điểm xin lỗi NgayXinLoi / the letter''s date';
comment on column dw.v_dossier_apology.apologised_date is 'Ngày xin lỗi (giờ Việt Nam) / the letter''s day, Asia/Ho_Chi_Minh';
comment on column dw.v_dossier_apology.new_due_at is 'Hẹn trả mới NgayHenTraMoi / the new date promised';
comment on column dw.v_dossier_apology.new_due_date is 'Ngày hẹn trả mới (giờ Việt Nam) / the new day promised, Asia/Ho_Chi_Minh';
comment on column dw.v_dossier_apology.reason is 'Lý do trễ hạn LyDo / the reason given';
comment on column dw.v_dossier_apology.due_at is 'Hạn trả hiện hành của hồ sơ / the dossier''s due date, as last extended';
comment on column dw.v_dossier_apology.finished_at is 'Thời điểm kết thúc xử lý / processing finished';
comment on column dw.v_dossier_apology.source_code is 'Nguồn / the source system';

grant select on dw.v_dossier_apology to bi_reader;
