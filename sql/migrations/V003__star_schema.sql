-- V003: the star schema (dw) and the holiday overrides it is built with (meta).
--
-- Determinism: loading windows twice or in any order must leave dw byte-identical, so dw holds
-- no run-dependent values (load times, batch ids, sequences). Surrogate keys are 63-bit hashes
-- of natural keys; SCD2 versions are keyed by the source's NgayCapNhat, not by load order.
-- Facts carry a dimension's durable key (the hash of its code, the same for every version), so
-- a fact never depends on whether its dimension row had arrived when it was loaded; join
-- `is_current` for today's attributes, or `valid_from <= t and t < valid_to` for those at t.
-- Missing codes, dates and unknown static codes map to the -1 "unknown" member of each dimension.

-- pgcrypto (a trusted extension) gives hmac() for the applicant hash.
create extension if not exists pgcrypto;

create function dw.hash_key(natural_key text) returns bigint
language sql immutable parallel safe
return ('x' || left(md5(natural_key), 16))::bit(64)::bigint & 9223372036854775807;

comment on function dw.hash_key(text) is
    'Khoá thay thế 63 bit từ khoá tự nhiên / a 63-bit surrogate key hashed from a natural key '
    '(never -1; collisions fail the load loudly through unique natural keys)';

create function dw.version_key(natural_key text, valid_from timestamptz) returns bigint
language sql stable parallel safe
return dw.hash_key(
    natural_key || '@' || to_char(valid_from at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
);

comment on function dw.version_key(text, timestamptz) is
    'Khoá của một phiên bản SCD2 / the surrogate key of an SCD2 version: hash of code and valid_from';

create function dw.date_key(calendar_day date) returns integer
language sql immutable parallel safe
return coalesce(
    (extract(year from calendar_day) * 10000
        + extract(month from calendar_day) * 100
        + extract(day from calendar_day))::integer,
    -1
);

create function dw.date_key(moment timestamptz) returns integer
language sql immutable parallel safe
return dw.date_key((moment at time zone 'Asia/Ho_Chi_Minh')::date);

comment on function dw.date_key(date) is
    'Khoá ngày YYYYMMDD, NULL → -1 / the YYYYMMDD key of a day; NULL → -1 (unknown)';
comment on function dw.date_key(timestamptz) is
    'Khoá ngày theo giờ Việt Nam / the YYYYMMDD key of the Asia/Ho_Chi_Minh day of a moment; NULL → -1';

-- ---------------------------------------------------------------------------------------------
-- Calendar
-- ---------------------------------------------------------------------------------------------

-- The government's announced day swaps and extra days off that the `holidays` package does not
-- know. Add a row per changed day, then run refresh_dim_date over the year, e.g.:
--   insert into meta.holiday_override values
--     ('2027-05-03', false, 'Nghỉ bù ...', 'Day off in lieu of ...', 'Thông báo số .../TB-BNV'),
--     ('2027-05-08', true, 'Làm bù cho ngày 03/5', 'Make-up working day for 3 May', 'Thông báo số .../TB-BNV');
create table meta.holiday_override (
    calendar_date date primary key,
    is_working_day boolean not null,
    name_vi text not null,
    name_en text,
    source_note text not null
);

comment on table meta.holiday_override is
    'Ngày nghỉ/làm bù do Chính phủ công bố / announced day swaps and extra days off that override '
    'the holidays package in dw.dim_date (empty: the package knows every swap announced to date)';
comment on column meta.holiday_override.calendar_date is 'Ngày / the day';
comment on column meta.holiday_override.is_working_day is
    'Có phải ngày làm việc / whether the day is worked (true for a make-up Saturday, false for a day off)';
comment on column meta.holiday_override.name_vi is 'Tên (tiếng Việt) / name in Vietnamese';
comment on column meta.holiday_override.name_en is 'Tên (tiếng Anh) / name in English';
comment on column meta.holiday_override.source_note is
    'Văn bản công bố / the announcement (number and date of the official letter)';

-- Grain: one row per calendar day, plus the -1 unknown day.
create table dw.dim_date (
    date_key integer primary key,
    calendar_date date unique,
    year smallint,
    quarter smallint,
    month smallint,
    day_of_month smallint,
    iso_year smallint,
    iso_week smallint,
    iso_day_of_week smallint,
    day_name_vi text not null,
    day_name_en text not null,
    is_weekend boolean not null,
    is_holiday boolean not null,
    holiday_name_vi text,
    holiday_name_en text,
    is_working_day boolean not null,
    is_override boolean not null,
    report_date date,
    report_date_key integer not null,
    check ((date_key = -1) = (calendar_date is null))
);

insert into dw.dim_date (
    date_key, day_name_vi, day_name_en, is_weekend, is_holiday, is_working_day, is_override,
    report_date_key
) values (-1, 'Không xác định', 'Unknown', false, false, false, false, -1);

comment on table dw.dim_date is
    'Chiều ngày: một dòng mỗi ngày (giờ Việt Nam) / date dimension: one row per calendar day in '
    'Asia/Ho_Chi_Minh, with working days and the Directive 04 report date; -1 = unknown';
comment on column dw.dim_date.date_key is 'Khoá ngày YYYYMMDD, -1 = không xác định / YYYYMMDD key, -1 = unknown';
comment on column dw.dim_date.calendar_date is 'Ngày dương lịch / the calendar day';
comment on column dw.dim_date.year is 'Năm / year';
comment on column dw.dim_date.quarter is 'Quý / quarter';
comment on column dw.dim_date.month is 'Tháng / month';
comment on column dw.dim_date.day_of_month is 'Ngày trong tháng / day of the month';
comment on column dw.dim_date.iso_year is 'Năm theo tuần ISO / ISO week-numbering year';
comment on column dw.dim_date.iso_week is 'Tuần ISO / ISO week number';
comment on column dw.dim_date.iso_day_of_week is 'Thứ trong tuần ISO (1 = thứ Hai … 7 = Chủ nhật) / ISO day of week, 1 = Monday';
comment on column dw.dim_date.day_name_vi is 'Tên thứ (tiếng Việt) / day name in Vietnamese';
comment on column dw.dim_date.day_name_en is 'Tên thứ (tiếng Anh) / day name in English';
comment on column dw.dim_date.is_weekend is 'Thứ Bảy hoặc Chủ nhật / Saturday or Sunday';
comment on column dw.dim_date.is_holiday is
    'Ngày nghỉ lễ, Tết hoặc nghỉ bù / a public holiday or day off in lieu (Labour Code 2019 art. 112)';
comment on column dw.dim_date.holiday_name_vi is 'Tên ngày nghỉ (tiếng Việt) / holiday name in Vietnamese';
comment on column dw.dim_date.holiday_name_en is 'Tên ngày nghỉ (tiếng Anh) / holiday name in English';
comment on column dw.dim_date.is_working_day is
    'Ngày làm việc: không phải cuối tuần hay ngày nghỉ, kể cả thứ Bảy làm bù / a working day: '
    'neither weekend nor holiday, or a make-up working Saturday';
comment on column dw.dim_date.is_override is
    'Theo meta.holiday_override / working-day status set by meta.holiday_override';
comment on column dw.dim_date.report_date is
    'Thứ Sáu báo cáo kỳ chứa ngày này (kỳ [R−7, R)) / the Friday R whose weekly report period [R−7 days, R) contains the day';
comment on column dw.dim_date.report_date_key is 'Khoá ngày của report_date / date key of report_date';

-- ---------------------------------------------------------------------------------------------
-- Static dimensions (seeded here; the key is the source's code)
-- ---------------------------------------------------------------------------------------------

-- Grain: one row per channel code (KenhThucHien).
create table dw.dim_channel (
    channel_key integer primary key,
    channel_code smallint unique,
    channel_name_vi text not null,
    channel_name_en text not null,
    is_online boolean not null
);

insert into dw.dim_channel values
    (-1, null, 'Không xác định', 'Unknown', false),
    (1, 1, 'Trực tiếp', 'In person', false),
    (2, 2, 'Trực tuyến', 'Online', true),
    (3, 3, 'Bưu chính công ích', 'Public postal service', false);

comment on table dw.dim_channel is
    'Chiều kênh thực hiện / channel dimension: how a dossier was filed (KenhThucHien); -1 = unknown';
comment on column dw.dim_channel.channel_key is 'Khoá kênh (= mã), -1 = không xác định / channel key (= code), -1 = unknown';
comment on column dw.dim_channel.channel_code is 'Mã kênh KenhThucHien / source channel code';
comment on column dw.dim_channel.channel_name_vi is 'Tên kênh (tiếng Việt) / channel name in Vietnamese';
comment on column dw.dim_channel.channel_name_en is 'Tên kênh (tiếng Anh) / channel name in English';
comment on column dw.dim_channel.is_online is 'Nộp trực tuyến / filed online';

-- Grain: one row per dossier status code (TrangThaiHoSo).
create table dw.dim_status (
    status_key integer primary key,
    status_code smallint unique,
    status_name_vi text not null,
    status_name_en text not null,
    status_class text not null
        check (status_class in ('not_received', 'active', 'paused', 'finished', 'unknown'))
);

insert into dw.dim_status values
    (-1, null, 'Không xác định', 'Unknown', 'unknown'),
    (1, 1, 'Mới đăng ký', 'Submitted, not yet accepted', 'not_received'),
    (2, 2, 'Được tiếp nhận', 'Accepted', 'active'),
    (3, 3, 'Không được tiếp nhận', 'Refused at reception', 'not_received'),
    (4, 4, 'Đang xử lý', 'In process', 'active'),
    (5, 5, 'Yêu cầu bổ sung giấy tờ', 'Supplement requested', 'paused'),
    (6, 6, 'Yêu cầu thực hiện nghĩa vụ tài chính', 'Awaiting fee payment', 'paused'),
    (7, 7, 'Công dân yêu cầu rút hồ sơ', 'Withdrawn by the applicant', 'finished'),
    (8, 8, 'Dừng xử lý', 'Processing stopped', 'paused'),
    (9, 9, 'Đã xử lý xong', 'Processing finished', 'finished'),
    (10, 10, 'Đã trả kết quả', 'Result returned', 'finished');

comment on table dw.dim_status is
    'Chiều trạng thái hồ sơ (Cổng DVC quốc gia) / dossier status dimension (national portal codes); -1 = unknown';
comment on column dw.dim_status.status_key is 'Khoá trạng thái (= mã), -1 = không xác định / status key (= code), -1 = unknown';
comment on column dw.dim_status.status_code is 'Mã trạng thái TrangThaiHoSo / source status code 1–10';
comment on column dw.dim_status.status_name_vi is 'Tên trạng thái (tiếng Việt) / status name in Vietnamese';
comment on column dw.dim_status.status_name_en is 'Tên trạng thái (tiếng Anh) / status name in English';
comment on column dw.dim_status.status_class is
    'Nhóm: chưa tiếp nhận, đang xử lý, tạm dừng, đã kết thúc / class: not_received, active, '
    'paused, finished (withdrawn, 7, is finished and always on time), unknown';

-- Grain: one row per applicant type code (LoaiDoiTuong).
create table dw.dim_applicant_type (
    applicant_type_key integer primary key,
    applicant_type_code smallint unique,
    applicant_type_name_vi text not null,
    applicant_type_name_en text not null
);

insert into dw.dim_applicant_type values
    (-1, null, 'Không xác định', 'Unknown'),
    (1, 1, 'Công dân', 'Citizen'),
    (2, 2, 'Doanh nghiệp', 'Business'),
    (3, 3, 'Cơ quan nhà nước', 'State agency'),
    (4, 4, 'Khác', 'Other');

comment on table dw.dim_applicant_type is
    'Chiều loại đối tượng nộp hồ sơ / applicant type dimension (LoaiDoiTuong); -1 = unknown';
comment on column dw.dim_applicant_type.applicant_type_key is 'Khoá loại đối tượng (= mã), -1 = không xác định / key (= code), -1 = unknown';
comment on column dw.dim_applicant_type.applicant_type_code is 'Mã LoaiDoiTuong / source applicant type code';
comment on column dw.dim_applicant_type.applicant_type_name_vi is 'Tên loại (tiếng Việt) / name in Vietnamese';
comment on column dw.dim_applicant_type.applicant_type_name_en is 'Tên loại (tiếng Anh) / name in English';

-- ---------------------------------------------------------------------------------------------
-- SCD type 2 dimensions over the catalogues
-- ---------------------------------------------------------------------------------------------
-- A version is valid over [valid_from, valid_to); the open version has valid_to 9999-12-31 and
-- is the current one. One current version per durable key is enforced by an exclusion
-- constraint, i.e. a partial unique index on the current row that is checked at commit, so a
-- load can close the old version and open the new one in one statement.

-- Grain: one row per version of a unit (unit_code, valid_from = the snapshot's NgayCapNhat).
create table dw.dim_unit (
    unit_key bigint primary key,
    unit_durable_key bigint not null,
    unit_code text not null,
    unit_name text,
    unit_level text,
    parent_unit_code text,
    area_code text,
    is_active boolean,
    valid_from timestamptz not null,
    valid_to timestamptz not null default '9999-12-31 00:00:00+07',
    is_current boolean not null generated always as (valid_to = '9999-12-31 00:00:00+07') stored,
    row_hash text not null,
    unique (unit_code, valid_from),
    check (valid_from < valid_to),
    constraint dim_unit_one_current_version
        exclude (unit_durable_key with =) where (is_current) deferrable initially deferred
);

insert into dw.dim_unit (
    unit_key, unit_durable_key, unit_code, unit_name, valid_from, row_hash
) values (-1, -1, '-1', 'Không xác định / Unknown', '1900-01-01 00:00:00+07', '');

comment on table dw.dim_unit is
    'Chiều đơn vị, lưu lịch sử (SCD2) / unit dimension, SCD type 2 over the unit catalogue: one '
    'row per version, so the unit tree at any moment survives reorganisations; -1 = unknown';
comment on column dw.dim_unit.unit_key is 'Khoá phiên bản = hash(mã, valid_from) / version surrogate key: hash of code and valid_from';
comment on column dw.dim_unit.unit_durable_key is
    'Khoá bền = hash(mã), chung cho mọi phiên bản; bảng sự kiện tham chiếu khoá này / durable key '
    '= hash of the code, the same for every version; facts refer to it';
comment on column dw.dim_unit.unit_code is 'Mã định danh đơn vị MaDinhDanh / unit code';
comment on column dw.dim_unit.unit_name is 'Tên đơn vị TenDonVi / unit name';
comment on column dw.dim_unit.unit_level is 'Cấp đơn vị CapDonVi (tinh, so, huyen, xa, phong) / unit level';
comment on column dw.dim_unit.parent_unit_code is 'Mã đơn vị cha MaDonViCha, NULL ở gốc / parent unit code, NULL for the province root';
comment on column dw.dim_unit.area_code is 'Mã đơn vị hành chính MaDVHC (Cục Thống kê) / national statistics area code';
comment on column dw.dim_unit.is_active is 'Còn hiệu lực HieuLuc / the unit is in force';
comment on column dw.dim_unit.valid_from is 'Hiệu lực từ (NgayCapNhat của phiên bản) / version valid from: its NgayCapNhat';
comment on column dw.dim_unit.valid_to is
    'Hiệu lực đến (không gồm), 9999-12-31 nếu hiện hành / version valid until (exclusive); 9999-12-31 when current';
comment on column dw.dim_unit.is_current is 'Phiên bản hiện hành / the current version';
comment on column dw.dim_unit.row_hash is 'Băm các thuộc tính theo dõi / hash of the tracked attributes';

-- Grain: one row per version of a procedure (procedure_code, valid_from = its NgayCapNhat).
create table dw.dim_procedure (
    procedure_key bigint primary key,
    procedure_durable_key bigint not null,
    procedure_code text not null,
    procedure_name text,
    field_code text,
    field_name text,
    procedure_level text,
    online_level text,
    has_fees boolean,
    legal_duration_days integer,
    handling_unit_codes text[] not null,
    valid_from timestamptz not null,
    valid_to timestamptz not null default '9999-12-31 00:00:00+07',
    is_current boolean not null generated always as (valid_to = '9999-12-31 00:00:00+07') stored,
    row_hash text not null,
    unique (procedure_code, valid_from),
    check (valid_from < valid_to),
    constraint dim_procedure_one_current_version
        exclude (procedure_durable_key with =) where (is_current) deferrable initially deferred
);

insert into dw.dim_procedure (
    procedure_key, procedure_durable_key, procedure_code, procedure_name, handling_unit_codes,
    valid_from, row_hash
) values (-1, -1, '-1', 'Không xác định / Unknown', '{}', '1900-01-01 00:00:00+07', '');

comment on table dw.dim_procedure is
    'Chiều thủ tục hành chính, lưu lịch sử (SCD2) / procedure dimension, SCD type 2 over the '
    'procedure catalogue: one row per version; -1 = unknown';
comment on column dw.dim_procedure.procedure_key is 'Khoá phiên bản = hash(mã, valid_from) / version surrogate key: hash of code and valid_from';
comment on column dw.dim_procedure.procedure_durable_key is
    'Khoá bền = hash(mã), chung cho mọi phiên bản; bảng sự kiện tham chiếu khoá này / durable key '
    '= hash of the code, the same for every version; facts refer to it';
comment on column dw.dim_procedure.procedure_code is 'Mã TTHC MaTTHC / procedure code in the national catalogue';
comment on column dw.dim_procedure.procedure_name is 'Tên TTHC TenTTHC / procedure name';
comment on column dw.dim_procedure.field_code is 'Mã lĩnh vực MaLinhVuc / field code';
comment on column dw.dim_procedure.field_name is 'Tên lĩnh vực TenLinhVuc / field name';
comment on column dw.dim_procedure.procedure_level is 'Cấp thực hiện CapThucHien (tinh, huyen, xa) / administrative level';
comment on column dw.dim_procedure.online_level is
    'Mức độ DVC trực tuyến MucDoDVC (toan_trinh, mot_phan, khong) / online service level: full-process, partial, none';
comment on column dw.dim_procedure.has_fees is 'Có phí, lệ phí CoPhiLePhi / the procedure charges fees';
comment on column dw.dim_procedure.legal_duration_days is
    'Thời hạn giải quyết (ngày làm việc) ThoiHanGiaiQuyet / legal handling time in working days';
comment on column dw.dim_procedure.handling_unit_codes is
    'Mã các cơ quan thực hiện CoQuanThucHien, đã sắp xếp / codes of the handling units, sorted';
comment on column dw.dim_procedure.valid_from is 'Hiệu lực từ (NgayCapNhat của phiên bản) / version valid from: its NgayCapNhat';
comment on column dw.dim_procedure.valid_to is
    'Hiệu lực đến (không gồm), 9999-12-31 nếu hiện hành / version valid until (exclusive); 9999-12-31 when current';
comment on column dw.dim_procedure.is_current is 'Phiên bản hiện hành / the current version';
comment on column dw.dim_procedure.row_hash is 'Băm các thuộc tính theo dõi / hash of the tracked attributes';

-- Grain: one row per (procedure version, handling unit code).
create table dw.bridge_procedure_unit (
    procedure_key bigint not null,
    unit_code text not null,
    unit_durable_key bigint not null,
    primary key (procedure_key, unit_code)
);
create index bridge_procedure_unit_unit_idx on dw.bridge_procedure_unit (unit_durable_key);

comment on table dw.bridge_procedure_unit is
    'Cầu thủ tục – cơ quan thực hiện / bridge from each procedure version to the units that handle '
    'it (CoQuanThucHien), so "procedures handled in a unit subtree" is a join';
comment on column dw.bridge_procedure_unit.procedure_key is 'Khoá phiên bản thủ tục / procedure version key (dim_procedure.procedure_key)';
comment on column dw.bridge_procedure_unit.unit_code is 'Mã cơ quan thực hiện / handling unit code';
comment on column dw.bridge_procedure_unit.unit_durable_key is 'Khoá bền của đơn vị / durable key of the unit (dim_unit.unit_durable_key)';

-- ---------------------------------------------------------------------------------------------
-- Facts
-- ---------------------------------------------------------------------------------------------

-- Grain: one row per dossier (MaHoSo), an accumulating snapshot of its newest known state.
create table dw.fact_dossier (
    dossier_key bigint primary key,
    dossier_code text not null unique,
    unit_durable_key bigint not null,
    procedure_durable_key bigint not null,
    channel_key integer not null,
    applicant_type_key integer not null,
    current_status_key integer not null,
    applicant_hash bytea,
    submitted_at timestamptz,
    received_at timestamptz,
    due_at timestamptz,
    finished_at timestamptz,
    returned_at timestamptz,
    submitted_date_key integer not null,
    received_date_key integer not null,
    due_date_key integer not null,
    finished_date_key integer not null,
    returned_date_key integer not null,
    supplement_count integer not null,
    fee_total bigint not null,
    service_fee_total bigint not null,
    levy_total bigint not null,
    online_payment_code integer,
    is_paid_online boolean not null,
    has_digitised_components boolean,
    source_updated_at timestamptz not null
);
create index fact_dossier_unit_received_idx on dw.fact_dossier (unit_durable_key, received_at);
create index fact_dossier_received_idx on dw.fact_dossier (received_at);
create index fact_dossier_finished_idx on dw.fact_dossier (finished_at);

comment on table dw.fact_dossier is
    'Hồ sơ TTHC: một dòng mỗi hồ sơ, trạng thái mới nhất / dossier facts: one row per dossier '
    '(accumulating snapshot of its newest NgayCapNhat); no personal data';
comment on column dw.fact_dossier.dossier_key is 'Khoá hồ sơ = hash(MaHoSo) / dossier key: hash of the dossier code';
comment on column dw.fact_dossier.dossier_code is 'Mã hồ sơ MaHoSo / dossier code';
comment on column dw.fact_dossier.unit_durable_key is
    'Đơn vị xử lý DonViXuLy (khoá bền dim_unit), -1 nếu thiếu / handling unit (dim_unit durable key), -1 if missing';
comment on column dw.fact_dossier.procedure_durable_key is
    'Thủ tục MaTTHC (khoá bền dim_procedure), -1 nếu thiếu / procedure (dim_procedure durable key), -1 if missing';
comment on column dw.fact_dossier.channel_key is 'Kênh thực hiện (dim_channel) / filing channel';
comment on column dw.fact_dossier.applicant_type_key is 'Loại đối tượng (dim_applicant_type) / applicant type';
comment on column dw.fact_dossier.current_status_key is 'Trạng thái hiện tại TrangThaiHoSo (dim_status) / current status';
comment on column dw.fact_dossier.applicant_hash is
    'HMAC-SHA256 của số giấy tờ chủ hồ sơ với khoá bí mật: đếm người nộp lặp lại mà không định '
    'danh được / keyed HMAC-SHA256 of the applicant''s identity number: counts repeat applicants, identifies nobody';
comment on column dw.fact_dossier.submitted_at is 'Ngày nộp NgayNopHoSo / submitted';
comment on column dw.fact_dossier.received_at is 'Ngày tiếp nhận NgayTiepNhan: bắt đầu tính hạn / received: the clock starts';
comment on column dw.fact_dossier.due_at is 'Ngày hẹn trả NgayHenTra (hiện hành) / due date, as last extended';
comment on column dw.fact_dossier.finished_at is 'Ngày kết thúc xử lý NgayKetThucXuLy / processing finished';
comment on column dw.fact_dossier.returned_at is 'Ngày trả kết quả NgayTra / result returned';
comment on column dw.fact_dossier.submitted_date_key is 'Khoá ngày nộp / date key of submitted_at';
comment on column dw.fact_dossier.received_date_key is 'Khoá ngày tiếp nhận / date key of received_at';
comment on column dw.fact_dossier.due_date_key is 'Khoá ngày hẹn trả / date key of due_at';
comment on column dw.fact_dossier.finished_date_key is 'Khoá ngày kết thúc xử lý / date key of finished_at';
comment on column dw.fact_dossier.returned_date_key is 'Khoá ngày trả kết quả / date key of returned_at';
comment on column dw.fact_dossier.supplement_count is 'Số lần yêu cầu bổ sung / number of supplement rounds';
comment on column dw.fact_dossier.fee_total is 'Tổng phí và lệ phí (VND) / total of the fee lines, VND';
comment on column dw.fact_dossier.service_fee_total is 'Tổng phí (LoaiPhiLePhi = 1) / total service fees (phí), VND';
comment on column dw.fact_dossier.levy_total is 'Tổng lệ phí (LoaiPhiLePhi = 2) / total levies (lệ phí), VND';
comment on column dw.fact_dossier.online_payment_code is
    'DuocThanhToanTrucTuyen: 0 không, 1 Cổng DVC quốc gia, 2 cổng thanh toán tỉnh / 0 no, 1 national portal, 2 provincial gateway';
comment on column dw.fact_dossier.is_paid_online is 'Đã thanh toán trực tuyến / paid online (code 1 or 2)';
comment on column dw.fact_dossier.has_digitised_components is 'Có thành phần số hoá HoSoCoThanhPhanSoHoa / has digitised components';
comment on column dw.fact_dossier.source_updated_at is 'Ngày cập nhật tại nguồn NgayCapNhat / last update at the source';

-- Grain: one row per status step (TienDo) of a dossier, from its newest version.
create table dw.fact_dossier_status (
    dossier_key bigint not null,
    step_no integer not null,
    status_key integer not null,
    status_at timestamptz,
    status_date_key integer not null,
    room_name text,
    officer_code text,
    primary key (dossier_key, step_no)
);
create index fact_dossier_status_at_idx on dw.fact_dossier_status (dossier_key, status_at);

comment on table dw.fact_dossier_status is
    'Tiến độ xử lý hồ sơ: một dòng mỗi bước / dossier status history: one row per status step; '
    'the status as of t is the last step with status_at < t (ties: the higher step_no)';
comment on column dw.fact_dossier_status.dossier_key is 'Khoá hồ sơ (fact_dossier) / dossier key';
comment on column dw.fact_dossier_status.step_no is 'Thứ tự bước trong TienDo, từ 1 / position of the step in TienDo, from 1';
comment on column dw.fact_dossier_status.status_key is 'Trạng thái TrangThai (dim_status) / status reached by the step';
comment on column dw.fact_dossier_status.status_at is 'Thời điểm xử lý ThoiDiemXuLy / when the step happened';
comment on column dw.fact_dossier_status.status_date_key is 'Khoá ngày của status_at / date key of status_at';
comment on column dw.fact_dossier_status.room_name is 'Phòng ban xử lý PhongBanXuLy / handling room';
comment on column dw.fact_dossier_status.officer_code is 'Mã cán bộ xử lý NguoiXuLy / handling officer''s id';

-- Grain: one row per supplement round (DanhSachHoSoBoSung) of a dossier, from its newest version.
create table dw.fact_dossier_supplement (
    dossier_key bigint not null,
    round_no integer not null,
    requested_at timestamptz,
    received_at timestamptz,
    previous_due_at timestamptz,
    new_due_at timestamptz,
    requested_date_key integer not null,
    received_date_key integer not null,
    primary key (dossier_key, round_no)
);

comment on table dw.fact_dossier_supplement is
    'Các lần yêu cầu bổ sung hồ sơ / supplement rounds: one row per round; the due date in force '
    'at t is previous_due_at while the round is not yet received at t, new_due_at after';
comment on column dw.fact_dossier_supplement.dossier_key is 'Khoá hồ sơ (fact_dossier) / dossier key';
comment on column dw.fact_dossier_supplement.round_no is 'Thứ tự lần bổ sung, từ 1 / position of the round, from 1';
comment on column dw.fact_dossier_supplement.requested_at is 'Ngày yêu cầu bổ sung NgayYeuCau / supplement requested';
comment on column dw.fact_dossier_supplement.received_at is 'Ngày tiếp nhận bổ sung NgayTiepNhanBoSung / supplement received';
comment on column dw.fact_dossier_supplement.previous_due_at is 'Hạn trả trước khi gia hạn NgayHenTraTruoc / due date before the round';
comment on column dw.fact_dossier_supplement.new_due_at is 'Hạn trả mới NgayHenTraMoi / due date after the round';
comment on column dw.fact_dossier_supplement.requested_date_key is 'Khoá ngày yêu cầu / date key of requested_at';
comment on column dw.fact_dossier_supplement.received_date_key is 'Khoá ngày tiếp nhận bổ sung / date key of received_at';

-- Grain: one row per payment transaction (MaThamChieu), its newest known state.
create table dw.fact_payment (
    payment_key bigint primary key,
    payment_ref text not null unique,
    transaction_code text,
    dossier_key bigint not null,
    dossier_code text,
    unit_durable_key bigint not null,
    procedure_durable_key bigint not null,
    amount bigint,
    service_fee_amount bigint,
    levy_amount bigint,
    payment_method text,
    payment_channel_code text,
    bank_code text,
    payment_status text,
    error_code text,
    initiated_at timestamptz,
    succeeded_at timestamptz,
    refunded_at timestamptz,
    initiated_date_key integer not null,
    succeeded_date_key integer not null,
    refunded_date_key integer not null,
    source_updated_at timestamptz not null
);
create index fact_payment_dossier_idx on dw.fact_payment (dossier_key);

comment on table dw.fact_payment is
    'Giao dịch thanh toán phí, lệ phí: một dòng mỗi giao dịch, trạng thái mới nhất / payment '
    'transactions: one row per transaction (newest NgayCapNhat)';
comment on column dw.fact_payment.payment_key is 'Khoá giao dịch = hash(MaThamChieu) / payment key: hash of the reference';
comment on column dw.fact_payment.payment_ref is 'Mã tham chiếu MaThamChieu / payment reference';
comment on column dw.fact_payment.transaction_code is 'Mã giao dịch ngân hàng MaGiaoDich / platform or bank transaction id';
comment on column dw.fact_payment.dossier_key is
    'Khoá hồ sơ = hash(MaHoSo), -1 nếu thiếu mã / dossier key (hash of MaHoSo, also before the dossier arrives), -1 without a code';
comment on column dw.fact_payment.dossier_code is 'Mã hồ sơ MaHoSo / dossier code';
comment on column dw.fact_payment.unit_durable_key is 'Đơn vị MaDonVi (khoá bền dim_unit) / unit (dim_unit durable key), -1 if missing';
comment on column dw.fact_payment.procedure_durable_key is 'Thủ tục MaTTHC (khoá bền dim_procedure) / procedure (durable key), -1 if missing';
comment on column dw.fact_payment.amount is 'Số tiền SoTien (VND) / amount, VND';
comment on column dw.fact_payment.service_fee_amount is 'Phí Phi (VND) / service fee part, VND';
comment on column dw.fact_payment.levy_amount is 'Lệ phí LePhi (VND) / levy part, VND';
comment on column dw.fact_payment.payment_method is
    'Hình thức HinhThucThanhToan (truc-tuyen, tien-mat, chuyen-khoan) / method: online, cash, transfer';
comment on column dw.fact_payment.payment_channel_code is 'Kênh thanh toán MaKenhThanhToan / payment platform channel code';
comment on column dw.fact_payment.bank_code is 'Mã ngân hàng MaNganHang / bank code';
comment on column dw.fact_payment.payment_status is
    'Trạng thái TrangThai (khoi-tao, thanh-cong, that-bai, hoan-phi) / status: initiated, succeeded, failed, refunded';
comment on column dw.fact_payment.error_code is 'Mã lỗi MaLoi ("00" thành công) / error code, "00" = success';
comment on column dw.fact_payment.initiated_at is 'Thời gian giao dịch ThoiGianGD / initiated (a failure happens then)';
comment on column dw.fact_payment.succeeded_at is 'Thời gian thành công ThoiGianGDThanhCong / succeeded';
comment on column dw.fact_payment.refunded_at is 'Thời gian hoàn phí ThoiGianHoanPhi / refunded';
comment on column dw.fact_payment.initiated_date_key is 'Khoá ngày khởi tạo / date key of initiated_at';
comment on column dw.fact_payment.succeeded_date_key is 'Khoá ngày thành công / date key of succeeded_at';
comment on column dw.fact_payment.refunded_date_key is 'Khoá ngày hoàn phí / date key of refunded_at';
comment on column dw.fact_payment.source_updated_at is 'Ngày cập nhật tại nguồn NgayCapNhat / last update at the source';
