-- V002: staging (typed, normalised rows of a batch) and quarantine (rows the quality gate rejected).
--
-- Grain of staging.<entity>: one row per distinct record of a batch, keyed by (batch_id, record_no);
-- identical copies of a record in one batch collapse into the lowest record_no. Child collections
-- of a dossier (TienDo, DanhSachHoSoBoSung, DanhSachLePhi) get one row per element, keyed by
-- (batch_id, record_no, ordinal). Every field a quality rule inspects keeps its source text in a
-- `<name>_raw` column beside the parsed value, so "absent" (raw null or '') and "unparseable"
-- (raw present, parsed null) stay distinguishable.
-- Applicant name, phone, e-mail and address are not staged at all (data minimisation, Decree
-- 13/2023): only the identity number is, because the load hashes it. raw.ho_so keeps the rest.

-- Parsing helpers. They never raise: what does not parse is NULL. Every cast sits behind a CASE
-- arm whose condition proves it safe (CASE, unlike AND, fixes the evaluation order, and the planner
-- drops arms whose condition folds to false before folding their result).

create function staging.clean_code(raw text) returns text
language sql immutable parallel safe
return nullif(btrim(raw, E' \t\r\n\u00a0'), '');

comment on function staging.clean_code(text) is
    'Mã đã cắt khoảng trắng, rỗng → NULL / a code with stray whitespace trimmed; empty → NULL';

create function staging.clean_text(raw text) returns text
language sql immutable parallel safe
return nullif(normalize(btrim(raw, E' \t\r\n\u00a0'), nfc), '');

comment on function staging.clean_text(text) is
    'Văn bản chuẩn Unicode NFC, cắt khoảng trắng / text in Unicode NFC, trimmed; empty → NULL';

create function staging.parse_integer(raw text) returns integer
language sql immutable parallel safe
return case when btrim(raw) ~ '^[+-]?[0-9]{1,9}$' then btrim(raw)::integer end;

comment on function staging.parse_integer(text) is
    'Số nguyên (tối đa 9 chữ số) hoặc NULL / an integer of up to 9 digits, else NULL (1.5, "abc")';

create function staging.parse_amount(raw text) returns bigint
language sql immutable parallel safe
return case when btrim(raw) ~ '^[+-]?[0-9]{1,18}$' then btrim(raw)::bigint end;

comment on function staging.parse_amount(text) is
    'Số tiền VND nguyên hoặc NULL / a whole VND amount of up to 18 digits, else NULL';

create function staging.parse_boolean(raw text) returns boolean
language sql immutable parallel safe
return case lower(btrim(raw))
    when 'true' then true
    when '1' then true
    when 'false' then false
    when '0' then false
end;

comment on function staging.parse_boolean(text) is
    'true/false/1/0 → boolean, khác → NULL / true, false, 1 or 0 as a boolean, else NULL';

create function staging.days_in_month(year integer, month integer) returns integer
language sql immutable parallel safe
return case
    when month = 2 then 28 + (mod(year, 4) = 0 and (mod(year, 100) <> 0 or mod(year, 400) = 0))::integer
    when month in (4, 6, 9, 11) then 30
    else 31
end;

comment on function staging.days_in_month(integer, integer) is
    'Số ngày của tháng (lịch Gregory) / the number of days in a Gregorian month';

-- One regex checks the shape and the field ranges (it is the costly part, so it runs once);
-- only days 29-31 need the length of their month.
create function staging.parse_local_timestamp(raw text) returns timestamptz
language sql stable parallel safe
return case
    when raw !~ '^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])([01][0-9]|2[0-3])[0-5][0-9][0-5][0-9]$'
        then null
    when substr(raw, 1, 4) = '0000' then null
    when substr(raw, 7, 2) in ('29', '30', '31')
        and substr(raw, 7, 2)::integer
        > staging.days_in_month(substr(raw, 1, 4)::integer, substr(raw, 5, 2)::integer)
        then null
    else make_timestamptz(
        substr(raw, 1, 4)::integer,
        substr(raw, 5, 2)::integer,
        substr(raw, 7, 2)::integer,
        substr(raw, 9, 2)::integer,
        substr(raw, 11, 2)::integer,
        substr(raw, 13, 2)::integer,
        'Asia/Ho_Chi_Minh'
    )
end;

comment on function staging.parse_local_timestamp(text) is
    'yyyyMMddHHmmss giờ địa phương → timestamptz, không hợp lệ → NULL / the source''s naive '
    'local yyyyMMddHHmmss as timestamptz in Asia/Ho_Chi_Minh; anything else (month 13, '
    '30 February, stray characters) → NULL';

-- Staging tables. Column comments name the source field; `_raw` columns hold its text as received.

create table staging.don_vi (
    batch_id bigint not null,
    record_no integer not null,
    record_hash text not null,                 -- md5 of the record's jsonb text
    unit_code text,                            -- MaDinhDanh
    unit_name text,                            -- TenDonVi
    unit_name_raw text,
    unit_level text,                           -- CapDonVi
    parent_unit_code text,                     -- MaDonViCha
    area_code text,                            -- MaDVHC
    is_active boolean,                         -- HieuLuc
    is_active_raw text,
    source_updated_at timestamptz,             -- NgayCapNhat
    source_updated_raw text,
    primary key (batch_id, record_no)
);

create table staging.thu_tuc (
    batch_id bigint not null,
    record_no integer not null,
    record_hash text not null,
    procedure_code text,                       -- MaTTHC
    procedure_name text,                       -- TenTTHC
    procedure_name_raw text,
    field_code text,                           -- MaLinhVuc
    field_name text,                           -- TenLinhVuc
    field_name_raw text,
    procedure_level text,                      -- CapThucHien
    online_level text,                         -- MucDoDVC
    has_fees boolean,                          -- CoPhiLePhi
    has_fees_raw text,
    legal_duration_days integer,               -- ThoiHanGiaiQuyet (working days)
    legal_duration_raw text,
    handling_unit_codes text[],                -- CoQuanThucHien: trimmed, distinct, sorted
    handling_units_raw text,
    source_updated_at timestamptz,             -- NgayCapNhat
    source_updated_raw text,
    primary key (batch_id, record_no)
);

create table staging.ho_so (
    batch_id bigint not null,
    record_no integer not null,
    record_hash text not null,
    dossier_code text,                         -- MaHoSo
    procedure_code text,                       -- MaTTHC
    procedure_name text,                       -- TenTTHC
    procedure_name_raw text,
    field_code text,                           -- MaLinhVuc
    unit_code text,                            -- DonViXuLy
    channel_code integer,                      -- KenhThucHien
    channel_raw text,
    applicant_type_code integer,               -- LoaiDoiTuong
    applicant_type_raw text,
    applicant_id_number text,                  -- SoGiayToChuHoSo: personal data, whitespace removed, upper case
    submitted_at timestamptz,                  -- NgayNopHoSo
    submitted_raw text,
    received_at timestamptz,                   -- NgayTiepNhan
    received_raw text,
    due_at timestamptz,                        -- NgayHenTra
    due_raw text,
    finished_at timestamptz,                   -- NgayKetThucXuLy
    finished_raw text,
    returned_at timestamptz,                   -- NgayTra
    returned_raw text,
    status_code integer,                       -- TrangThaiHoSo
    status_raw text,
    online_payment_code integer,               -- DuocThanhToanTrucTuyen
    online_payment_raw text,
    has_digitised_components boolean,          -- HoSoCoThanhPhanSoHoa
    has_digitised_components_raw text,
    source_updated_at timestamptz,             -- NgayCapNhat
    source_updated_raw text,
    primary key (batch_id, record_no)
);

create table staging.ho_so_tien_do (
    batch_id bigint not null,
    record_no integer not null,
    ordinal integer not null,                  -- position in TienDo, from 1
    status_code integer,                       -- TrangThai
    status_raw text,
    processed_at timestamptz,                  -- ThoiDiemXuLy
    processed_raw text,
    room_name text,                            -- PhongBanXuLy
    officer_code text,                         -- NguoiXuLy (an officer's id)
    primary key (batch_id, record_no, ordinal)
);

create table staging.ho_so_bo_sung (
    batch_id bigint not null,
    record_no integer not null,
    ordinal integer not null,                  -- position in DanhSachHoSoBoSung, from 1
    requested_at timestamptz,                  -- NgayYeuCau
    requested_raw text,
    received_at timestamptz,                   -- NgayTiepNhanBoSung
    received_raw text,
    previous_due_at timestamptz,               -- NgayHenTraTruoc
    previous_due_raw text,
    new_due_at timestamptz,                    -- NgayHenTraMoi
    new_due_raw text,
    primary key (batch_id, record_no, ordinal)
);

create table staging.ho_so_le_phi (
    batch_id bigint not null,
    record_no integer not null,
    ordinal integer not null,                  -- position in DanhSachLePhi, from 1
    fee_code text,                             -- MaPhiLePhi
    fee_name text,                             -- TenPhiLePhi
    fee_name_raw text,
    fee_type_code integer,                     -- LoaiPhiLePhi: 1 phí, 2 lệ phí
    fee_type_raw text,
    amount bigint,                             -- SoTien (VND)
    amount_raw text,
    primary key (batch_id, record_no, ordinal)
);

create table staging.giao_dich (
    batch_id bigint not null,
    record_no integer not null,
    record_hash text not null,
    payment_ref text,                          -- MaThamChieu
    transaction_code text,                     -- MaGiaoDich
    dossier_code text,                         -- MaHoSo
    procedure_code text,                       -- MaTTHC
    unit_code text,                            -- MaDonVi
    amount bigint,                             -- SoTien
    amount_raw text,
    service_fee_amount bigint,                 -- Phi
    service_fee_raw text,
    levy_amount bigint,                        -- LePhi
    levy_raw text,
    payment_method text,                       -- HinhThucThanhToan
    payment_channel_code text,                 -- MaKenhThanhToan
    bank_code text,                            -- MaNganHang
    payment_status text,                       -- TrangThai
    error_code text,                           -- MaLoi
    initiated_at timestamptz,                  -- ThoiGianGD
    initiated_raw text,
    succeeded_at timestamptz,                  -- ThoiGianGDThanhCong
    succeeded_raw text,
    refunded_at timestamptz,                   -- ThoiGianHoanPhi
    refunded_raw text,
    source_updated_at timestamptz,             -- NgayCapNhat
    source_updated_raw text,
    primary key (batch_id, record_no)
);

comment on table staging.don_vi is 'Đơn vị đã chuẩn hoá của lô / typed, normalised unit catalogue records of a batch';
comment on table staging.thu_tuc is 'Thủ tục đã chuẩn hoá của lô / typed, normalised procedure catalogue records of a batch';
comment on table staging.ho_so is 'Hồ sơ đã chuẩn hoá của lô (có dữ liệu cá nhân) / typed, normalised dossiers of a batch (personal data)';
comment on table staging.ho_so_tien_do is 'Các bước tiến độ của hồ sơ / one row per TienDo status step of a staged dossier';
comment on table staging.ho_so_bo_sung is 'Các lần yêu cầu bổ sung / one row per supplement round of a staged dossier';
comment on table staging.ho_so_le_phi is 'Các khoản phí, lệ phí / one row per fee line of a staged dossier';
comment on table staging.giao_dich is 'Giao dịch thanh toán đã chuẩn hoá của lô / typed, normalised payment transactions of a batch';

-- Quarantine: one row per (record, rule) the quality gate rejected; the record stays as received.
create table quarantine.don_vi (
    batch_id bigint not null references meta.load_batch (batch_id),
    record_no integer not null,
    rule text not null,
    expectation text,
    details jsonb,
    record jsonb not null,
    quarantined_at timestamptz not null default now(),
    released_at timestamptz,
    released_batch_id bigint references meta.load_batch (batch_id),
    primary key (batch_id, record_no, rule)
);
create table quarantine.thu_tuc (like quarantine.don_vi including all);
create table quarantine.ho_so (like quarantine.don_vi including all);
create table quarantine.giao_dich (like quarantine.don_vi including all);
alter table quarantine.thu_tuc
    add foreign key (batch_id) references meta.load_batch (batch_id),
    add foreign key (released_batch_id) references meta.load_batch (batch_id);
alter table quarantine.ho_so
    add foreign key (batch_id) references meta.load_batch (batch_id),
    add foreign key (released_batch_id) references meta.load_batch (batch_id);
alter table quarantine.giao_dich
    add foreign key (batch_id) references meta.load_batch (batch_id),
    add foreign key (released_batch_id) references meta.load_batch (batch_id);

comment on table quarantine.don_vi is 'Đơn vị bị loại / unit records rejected by the quality gate, one row per (record, rule)';
comment on table quarantine.thu_tuc is 'Thủ tục bị loại / procedure records rejected by the quality gate, one row per (record, rule)';
comment on table quarantine.ho_so is 'Hồ sơ bị loại (có dữ liệu cá nhân) / dossiers rejected by the quality gate, one row per (record, rule)';
comment on table quarantine.giao_dich is 'Giao dịch bị loại / payments rejected by the quality gate, one row per (record, rule)';
comment on column quarantine.don_vi.record_no is 'Số thứ tự bản ghi trong lô (như staging) / the record''s number in its batch, as in staging';
comment on column quarantine.don_vi.rule is 'Tên ngắn của quy tắc / short name of the rule that rejected the record';
comment on column quarantine.don_vi.expectation is 'Loại expectation GX / the Great Expectations expectation type behind the rule';
comment on column quarantine.don_vi.details is 'Chi tiết vi phạm / what failed (column, observed value...)';
comment on column quarantine.don_vi.record is 'Bản ghi nguyên trạng / the record as received';
comment on column quarantine.don_vi.released_at is 'Thời điểm giải phóng / when a data engineer released the record';
comment on column quarantine.don_vi.released_batch_id is 'Lô đã nạp lại bản ghi / the batch that loaded the released record';

-- Loadable rows: staged, not quarantined, and carrying the natural key and NgayCapNhat that
-- the loads need. load_batch counts these as loaded, so a row the gate let through without
-- them breaks the extracted = loaded + quarantined check loudly instead of vanishing.
create view staging.don_vi_loadable as
select s.*
from staging.don_vi as s
where s.unit_code is not null
    and s.source_updated_at is not null
    and not exists (
        select from quarantine.don_vi as q
        where q.batch_id = s.batch_id and q.record_no = s.record_no
    );

create view staging.thu_tuc_loadable as
select s.*
from staging.thu_tuc as s
where s.procedure_code is not null
    and s.source_updated_at is not null
    and not exists (
        select from quarantine.thu_tuc as q
        where q.batch_id = s.batch_id and q.record_no = s.record_no
    );

create view staging.ho_so_loadable as
select s.*
from staging.ho_so as s
where s.dossier_code is not null
    and s.source_updated_at is not null
    and not exists (
        select from quarantine.ho_so as q
        where q.batch_id = s.batch_id and q.record_no = s.record_no
    );

create view staging.giao_dich_loadable as
select s.*
from staging.giao_dich as s
where s.payment_ref is not null
    and s.source_updated_at is not null
    and not exists (
        select from quarantine.giao_dich as q
        where q.batch_id = s.batch_id and q.record_no = s.record_no
    );

comment on view staging.don_vi_loadable is 'Đơn vị được nạp / staged units that passed the gate and can be loaded';
comment on view staging.thu_tuc_loadable is 'Thủ tục được nạp / staged procedures that passed the gate and can be loaded';
comment on view staging.ho_so_loadable is 'Hồ sơ được nạp / staged dossiers that passed the gate and can be loaded';
comment on view staging.giao_dich_loadable is 'Giao dịch được nạp / staged payments that passed the gate and can be loaded';
