-- V007: friendly views for analysts (BI tools read dw and mart as bi_reader), the indexes behind
-- their common filters, and the comments a BI tool's data browser shows.
--
-- The views join each fact to the *current* version of its dimensions (is_current): today's
-- unit and procedure names, as an analyst expects. For the attributes in force at another
-- moment join dw.dim_unit / dw.dim_procedure on valid_from <= t and t < valid_to instead.
-- Left joins everywhere: a fact keeps its row even before its dimension row has arrived.
-- No personal data: the applicant hash of dw.fact_dossier is not exposed.

-- ---------------------------------------------------------------------------------------------
-- dw.v_dossier — grain: one row per dossier (as dw.fact_dossier)
-- ---------------------------------------------------------------------------------------------
create view dw.v_dossier as
with dossiers as (
    select * from dw.fact_dossier
),

units as (
    select * from dw.dim_unit where is_current
),

procedures as (
    select * from dw.dim_procedure where is_current
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
    d.source_updated_at
from dossiers as d
left join units as u on u.unit_durable_key = d.unit_durable_key
left join units as parent on parent.unit_code = u.parent_unit_code
left join procedures as p on p.procedure_durable_key = d.procedure_durable_key
left join dw.dim_channel as c on c.channel_key = d.channel_key
left join dw.dim_applicant_type as a on a.applicant_type_key = d.applicant_type_key
left join dw.dim_status as s on s.status_key = d.current_status_key
left join dw.dim_date as received_day on received_day.date_key = d.received_date_key;

comment on view dw.v_dossier is
    'Hồ sơ TTHC dạng phẳng cho phân tích: một dòng mỗi hồ sơ, kèm tên đơn vị, thủ tục, kênh, trạng '
    'thái (phiên bản hiện hành) / dossiers, flat, for analysts: one row per dossier with its unit, '
    'procedure, channel and status labels (current dimension versions); no personal data';
comment on column dw.v_dossier.dossier_key is 'Khoá hồ sơ (fact_dossier) / dossier key';
comment on column dw.v_dossier.dossier_code is 'Mã hồ sơ MaHoSo / dossier code';
comment on column dw.v_dossier.unit_code is 'Mã đơn vị xử lý / handling unit code';
comment on column dw.v_dossier.unit_name is 'Tên đơn vị xử lý (hiện hành) / handling unit name (current)';
comment on column dw.v_dossier.unit_level is 'Cấp đơn vị (tinh, so, huyen, xa, phong) / unit level';
comment on column dw.v_dossier.parent_unit_code is 'Mã đơn vị cha / parent unit code';
comment on column dw.v_dossier.parent_unit_name is 'Tên đơn vị cha (hiện hành) / parent unit name (current)';
comment on column dw.v_dossier.procedure_code is 'Mã thủ tục MaTTHC / procedure code';
comment on column dw.v_dossier.procedure_name is 'Tên thủ tục (hiện hành) / procedure name (current)';
comment on column dw.v_dossier.field_code is 'Mã lĩnh vực / field code';
comment on column dw.v_dossier.field_name is 'Tên lĩnh vực / field name';
comment on column dw.v_dossier.procedure_level is 'Cấp thực hiện thủ tục (tinh, huyen, xa) / administrative level of the procedure';
comment on column dw.v_dossier.online_level is 'Mức độ DVC trực tuyến (toan_trinh, mot_phan, khong) / online service level code';
comment on column dw.v_dossier.online_level_name_vi is 'Mức độ DVC trực tuyến (tiếng Việt) / online service level in Vietnamese';
comment on column dw.v_dossier.online_level_name_en is 'Mức độ DVC trực tuyến (tiếng Anh) / online service level in English';
comment on column dw.v_dossier.has_fees is 'Thủ tục có phí, lệ phí / the procedure charges fees';
comment on column dw.v_dossier.legal_duration_days is 'Thời hạn giải quyết (ngày làm việc) / legal handling time in working days';
comment on column dw.v_dossier.channel_code is 'Mã kênh nộp KenhThucHien (1 trực tiếp, 2 trực tuyến, 3 bưu chính) / filing channel code';
comment on column dw.v_dossier.channel_name_vi is 'Kênh nộp (tiếng Việt) / filing channel in Vietnamese';
comment on column dw.v_dossier.channel_name_en is 'Kênh nộp (tiếng Anh) / filing channel in English';
comment on column dw.v_dossier.is_online is 'Nộp trực tuyến / filed online';
comment on column dw.v_dossier.applicant_type_name_vi is 'Loại đối tượng nộp (tiếng Việt) / applicant type in Vietnamese';
comment on column dw.v_dossier.applicant_type_name_en is 'Loại đối tượng nộp (tiếng Anh) / applicant type in English';
comment on column dw.v_dossier.status_code is 'Mã trạng thái hiện tại TrangThaiHoSo (1–10) / current status code';
comment on column dw.v_dossier.status_name_vi is 'Trạng thái hiện tại (tiếng Việt) / current status in Vietnamese';
comment on column dw.v_dossier.status_name_en is 'Trạng thái hiện tại (tiếng Anh) / current status in English';
comment on column dw.v_dossier.status_class is
    'Nhóm trạng thái: not_received, active, paused, finished, unknown / status class';
comment on column dw.v_dossier.is_finished is 'Đã kết thúc (xử lý xong, trả kết quả, rút) / finished: processed, returned or withdrawn';
comment on column dw.v_dossier.submitted_at is 'Thời điểm nộp / submitted';
comment on column dw.v_dossier.received_at is 'Thời điểm tiếp nhận: bắt đầu tính hạn / received: the clock starts';
comment on column dw.v_dossier.due_at is 'Hạn trả kết quả (hiện hành) / due, as last extended';
comment on column dw.v_dossier.finished_at is 'Thời điểm kết thúc xử lý / processing finished';
comment on column dw.v_dossier.returned_at is 'Thời điểm trả kết quả / result returned';
comment on column dw.v_dossier.submitted_date is 'Ngày nộp (giờ Việt Nam) / submission day, Asia/Ho_Chi_Minh';
comment on column dw.v_dossier.received_date is 'Ngày tiếp nhận (giờ Việt Nam) / reception day, Asia/Ho_Chi_Minh';
comment on column dw.v_dossier.due_date is 'Ngày hẹn trả (giờ Việt Nam) / due day, Asia/Ho_Chi_Minh';
comment on column dw.v_dossier.finished_date is 'Ngày kết thúc xử lý (giờ Việt Nam) / day processing finished, Asia/Ho_Chi_Minh';
comment on column dw.v_dossier.returned_date is 'Ngày trả kết quả (giờ Việt Nam) / day the result was returned, Asia/Ho_Chi_Minh';
comment on column dw.v_dossier.received_report_date is
    'Thứ Sáu báo cáo kỳ chứa ngày tiếp nhận / the Friday whose Directive 04 report period contains the reception day';
comment on column dw.v_dossier.supplement_count is 'Số lần yêu cầu bổ sung / number of supplement rounds';
comment on column dw.v_dossier.fee_total is 'Tổng phí và lệ phí (VND) / total fees and levies, VND';
comment on column dw.v_dossier.service_fee_total is 'Tổng phí (VND) / total service fees (phí), VND';
comment on column dw.v_dossier.levy_total is 'Tổng lệ phí (VND) / total levies (lệ phí), VND';
comment on column dw.v_dossier.is_paid_online is 'Đã thanh toán trực tuyến / paid online';
comment on column dw.v_dossier.online_payment_code is
    'DuocThanhToanTrucTuyen: 0 không, 1 Cổng DVC quốc gia, 2 cổng thanh toán tỉnh / online payment code';
comment on column dw.v_dossier.online_payment_name_vi is 'Nơi thanh toán trực tuyến (tiếng Việt) / where it was paid online, in Vietnamese';
comment on column dw.v_dossier.online_payment_name_en is 'Nơi thanh toán trực tuyến (tiếng Anh) / where it was paid online, in English';
comment on column dw.v_dossier.has_digitised_components is 'Có thành phần hồ sơ số hoá / has digitised components';
comment on column dw.v_dossier.source_updated_at is 'Cập nhật lần cuối tại nguồn NgayCapNhat / last update at the source';

-- ---------------------------------------------------------------------------------------------
-- dw.v_payment — grain: one row per payment transaction (as dw.fact_payment)
-- ---------------------------------------------------------------------------------------------
create view dw.v_payment as
with payments as (
    select * from dw.fact_payment
),

units as (
    select * from dw.dim_unit where is_current
),

procedures as (
    select * from dw.dim_procedure where is_current
)

select
    f.payment_key,
    f.payment_ref,
    f.transaction_code,
    f.dossier_code,
    exists (select from dw.fact_dossier as d where d.dossier_key = f.dossier_key) as has_dossier,
    u.unit_code,
    u.unit_name,
    p.procedure_code,
    p.procedure_name,
    f.amount,
    f.service_fee_amount,
    f.levy_amount,
    f.payment_method,
    case f.payment_method
        when 'truc-tuyen' then 'Trực tuyến'
        when 'tien-mat' then 'Tiền mặt'
        when 'chuyen-khoan' then 'Chuyển khoản'
    end as payment_method_name_vi,
    case f.payment_method
        when 'truc-tuyen' then 'Online'
        when 'tien-mat' then 'Cash'
        when 'chuyen-khoan' then 'Bank transfer'
    end as payment_method_name_en,
    f.payment_channel_code,
    f.bank_code,
    f.payment_status,
    case f.payment_status
        when 'khoi-tao' then 'Khởi tạo'
        when 'thanh-cong' then 'Thành công'
        when 'that-bai' then 'Thất bại'
        when 'hoan-phi' then 'Hoàn phí'
    end as payment_status_name_vi,
    case f.payment_status
        when 'khoi-tao' then 'Initiated'
        when 'thanh-cong' then 'Succeeded'
        when 'that-bai' then 'Failed'
        when 'hoan-phi' then 'Refunded'
    end as payment_status_name_en,
    f.payment_status = 'thanh-cong' as is_succeeded,
    f.error_code,
    f.initiated_at,
    f.succeeded_at,
    f.refunded_at,
    (f.initiated_at at time zone 'Asia/Ho_Chi_Minh')::date as initiated_date,
    (f.succeeded_at at time zone 'Asia/Ho_Chi_Minh')::date as succeeded_date,
    (f.refunded_at at time zone 'Asia/Ho_Chi_Minh')::date as refunded_date,
    f.source_updated_at
from payments as f
left join units as u on u.unit_durable_key = f.unit_durable_key
left join procedures as p on p.procedure_durable_key = f.procedure_durable_key;

comment on view dw.v_payment is
    'Giao dịch thanh toán phí, lệ phí dạng phẳng: một dòng mỗi giao dịch, kèm đơn vị, thủ tục và '
    'nhãn / payment transactions, flat, for analysts: one row per transaction with unit, procedure '
    'and Vietnamese/English labels (current dimension versions)';
comment on column dw.v_payment.payment_key is 'Khoá giao dịch (fact_payment) / payment key';
comment on column dw.v_payment.payment_ref is 'Mã tham chiếu MaThamChieu / payment reference';
comment on column dw.v_payment.transaction_code is 'Mã giao dịch ngân hàng / bank or platform transaction id';
comment on column dw.v_payment.dossier_code is 'Mã hồ sơ MaHoSo / dossier code';
comment on column dw.v_payment.has_dossier is 'Hồ sơ đã có trong kho / the dossier is loaded in dw.fact_dossier';
comment on column dw.v_payment.unit_code is 'Mã đơn vị thu / collecting unit code';
comment on column dw.v_payment.unit_name is 'Tên đơn vị thu (hiện hành) / collecting unit name (current)';
comment on column dw.v_payment.procedure_code is 'Mã thủ tục / procedure code';
comment on column dw.v_payment.procedure_name is 'Tên thủ tục (hiện hành) / procedure name (current)';
comment on column dw.v_payment.amount is 'Số tiền (VND) / amount, VND';
comment on column dw.v_payment.service_fee_amount is 'Phần phí (VND) / service fee part, VND';
comment on column dw.v_payment.levy_amount is 'Phần lệ phí (VND) / levy part, VND';
comment on column dw.v_payment.payment_method is 'Mã hình thức (truc-tuyen, tien-mat, chuyen-khoan) / payment method code';
comment on column dw.v_payment.payment_method_name_vi is 'Hình thức thanh toán (tiếng Việt) / payment method in Vietnamese';
comment on column dw.v_payment.payment_method_name_en is 'Hình thức thanh toán (tiếng Anh) / payment method in English';
comment on column dw.v_payment.payment_channel_code is 'Kênh thanh toán MaKenhThanhToan / payment platform channel code';
comment on column dw.v_payment.bank_code is 'Mã ngân hàng / bank code';
comment on column dw.v_payment.payment_status is 'Mã trạng thái (khoi-tao, thanh-cong, that-bai, hoan-phi) / status code';
comment on column dw.v_payment.payment_status_name_vi is 'Trạng thái giao dịch (tiếng Việt) / status in Vietnamese';
comment on column dw.v_payment.payment_status_name_en is 'Trạng thái giao dịch (tiếng Anh) / status in English';
comment on column dw.v_payment.is_succeeded is 'Giao dịch thành công / the transaction succeeded';
comment on column dw.v_payment.error_code is 'Mã lỗi ("00" thành công) / error code, "00" = success';
comment on column dw.v_payment.initiated_at is 'Thời điểm khởi tạo / initiated';
comment on column dw.v_payment.succeeded_at is 'Thời điểm thành công / succeeded';
comment on column dw.v_payment.refunded_at is 'Thời điểm hoàn phí / refunded';
comment on column dw.v_payment.initiated_date is 'Ngày khởi tạo (giờ Việt Nam) / day initiated, Asia/Ho_Chi_Minh';
comment on column dw.v_payment.succeeded_date is 'Ngày thành công (giờ Việt Nam) / day succeeded, Asia/Ho_Chi_Minh';
comment on column dw.v_payment.refunded_date is 'Ngày hoàn phí (giờ Việt Nam) / day refunded, Asia/Ho_Chi_Minh';
comment on column dw.v_payment.source_updated_at is 'Cập nhật lần cuối tại nguồn NgayCapNhat / last update at the source';

-- ---------------------------------------------------------------------------------------------
-- dw.v_dossier_status_history — grain: one row per status step of a dossier
-- ---------------------------------------------------------------------------------------------
create view dw.v_dossier_status_history as
with steps as (
    select
        f.*,
        lead(f.status_at) over (partition by f.dossier_key order by f.step_no) as next_status_at,
        f.step_no = max(f.step_no) over (partition by f.dossier_key) as is_latest_step
    from dw.fact_dossier_status as f
)

select
    st.dossier_key,
    d.dossier_code,
    u.unit_code,
    u.unit_name,
    p.procedure_code,
    p.procedure_name,
    st.step_no,
    s.status_code,
    s.status_name_vi,
    s.status_name_en,
    s.status_class,
    st.status_at,
    (st.status_at at time zone 'Asia/Ho_Chi_Minh')::date as status_date,
    st.next_status_at,
    round(extract(epoch from st.next_status_at - st.status_at) / 3600, 2) as hours_in_status,
    st.is_latest_step,
    st.room_name,
    st.officer_code
from steps as st
left join dw.fact_dossier as d on d.dossier_key = st.dossier_key
left join dw.dim_unit as u on u.unit_durable_key = d.unit_durable_key and u.is_current
left join dw.dim_procedure as p
    on p.procedure_durable_key = d.procedure_durable_key and p.is_current
left join dw.dim_status as s on s.status_key = st.status_key;

comment on view dw.v_dossier_status_history is
    'Tiến độ xử lý hồ sơ dạng phẳng: một dòng mỗi bước, kèm nhãn trạng thái và thời gian ở mỗi '
    'trạng thái / dossier status history, flat: one row per status step with labels and the time '
    'spent in each status';
comment on column dw.v_dossier_status_history.dossier_key is 'Khoá hồ sơ / dossier key';
comment on column dw.v_dossier_status_history.dossier_code is 'Mã hồ sơ MaHoSo / dossier code';
comment on column dw.v_dossier_status_history.unit_code is 'Mã đơn vị xử lý hồ sơ / the dossier''s handling unit code';
comment on column dw.v_dossier_status_history.unit_name is 'Tên đơn vị xử lý (hiện hành) / handling unit name (current)';
comment on column dw.v_dossier_status_history.procedure_code is 'Mã thủ tục / procedure code';
comment on column dw.v_dossier_status_history.procedure_name is 'Tên thủ tục (hiện hành) / procedure name (current)';
comment on column dw.v_dossier_status_history.step_no is 'Thứ tự bước, từ 1 / position of the step, from 1';
comment on column dw.v_dossier_status_history.status_code is 'Mã trạng thái của bước (1–10) / status code reached by the step';
comment on column dw.v_dossier_status_history.status_name_vi is 'Trạng thái (tiếng Việt) / status in Vietnamese';
comment on column dw.v_dossier_status_history.status_name_en is 'Trạng thái (tiếng Anh) / status in English';
comment on column dw.v_dossier_status_history.status_class is
    'Nhóm trạng thái: not_received, active, paused, finished, unknown / status class';
comment on column dw.v_dossier_status_history.status_at is 'Thời điểm xử lý ThoiDiemXuLy / when the step happened';
comment on column dw.v_dossier_status_history.status_date is 'Ngày của bước (giờ Việt Nam) / day of the step, Asia/Ho_Chi_Minh';
comment on column dw.v_dossier_status_history.next_status_at is
    'Thời điểm bước kế tiếp, NULL nếu là bước cuối / when the next step happened; NULL for the latest step';
comment on column dw.v_dossier_status_history.hours_in_status is
    'Số giờ ở trạng thái này (đến bước kế tiếp) / hours spent in this status until the next step; NULL for the latest';
comment on column dw.v_dossier_status_history.is_latest_step is 'Bước mới nhất của hồ sơ / the dossier''s latest step';
comment on column dw.v_dossier_status_history.room_name is 'Phòng ban xử lý / handling room';
comment on column dw.v_dossier_status_history.officer_code is 'Mã cán bộ xử lý / handling officer''s id';

-- ---------------------------------------------------------------------------------------------
-- Indexes for the views' common filters (unit, procedure, day) not covered by V003
-- ---------------------------------------------------------------------------------------------
create index fact_dossier_procedure_received_idx on dw.fact_dossier (procedure_durable_key, received_at);
create index fact_payment_unit_initiated_idx on dw.fact_payment (unit_durable_key, initiated_at);
create index fact_payment_succeeded_idx on dw.fact_payment (succeeded_at);
create index fact_dossier_status_status_at_idx on dw.fact_dossier_status (status_at);
-- The parent-unit lookup of v_dossier: current version by code.
create index dim_unit_current_code_idx on dw.dim_unit (unit_code) where is_current;

-- ---------------------------------------------------------------------------------------------
-- Access: the read-only BI role sees the new views (its grants on dw are V006's)
-- ---------------------------------------------------------------------------------------------
do $$
begin
    if exists (select from pg_roles where rolname = 'bi_reader') then
        grant select on dw.v_dossier, dw.v_payment, dw.v_dossier_status_history to bi_reader;
    end if;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- mart.v_chi_thi_04_long — grain: one row per (report_date, unit_code, indicator), latest version
-- ---------------------------------------------------------------------------------------------
-- The weekly report in long form, the shape a BI tool's charts and colour maps want: the value
-- of each indicator with its numerator, denominator and colour. Built on the published latest
-- versions only (mart.chi_thi_04_latest), so it shows what the province reported.
create view mart.v_chi_thi_04_long as
with latest as (
    select * from mart.chi_thi_04_latest
),

indicators as (
    select
        l.report_date,
        l.period_start,
        l.period_end,
        l.unit_code,
        l.unit_name,
        l.unit_level,
        l.parent_unit_code,
        i.indicator,
        i.indicator_name_vi,
        i.indicator_name_en,
        i.numerator,
        i.denominator,
        i.value,
        i.colour,
        l.snapshot_version,
        l.published_at
    from latest as l
    cross join lateral (
        values
            ('on_time', 'Giải quyết đúng hạn', 'Resolved on time',
                l.resolved_early + l.resolved_on_time, l.resolved + l.pending_overdue,
                l.on_time_rate, l.on_time_colour),
            ('online', 'Hồ sơ trực tuyến', 'Filed online',
                l.received_online, l.received, l.online_rate, l.online_colour),
            ('payment', 'Thanh toán trực tuyến', 'Paid online',
                l.paid_online_dossiers, l.fee_dossiers, l.online_payment_rate, l.payment_colour),
            ('overall', 'Xếp hạng chung', 'Overall', null, null, null, l.overall_colour)
    ) as i (indicator, indicator_name_vi, indicator_name_en, numerator, denominator, value, colour)
)

select
    report_date,
    period_start,
    period_end,
    unit_code,
    unit_name,
    unit_level,
    parent_unit_code,
    indicator,
    indicator_name_vi,
    indicator_name_en,
    numerator,
    denominator,
    value,
    colour,
    case colour
        when 'xanh' then 'Xanh' when 'vang' then 'Vàng' when 'cam' then 'Cam'
        when 'do' then 'Đỏ' when 'trang' then 'Trắng'
    end as colour_name_vi,
    case colour
        when 'xanh' then 'Green' when 'vang' then 'Yellow' when 'cam' then 'Orange'
        when 'do' then 'Red' when 'trang' then 'White'
    end as colour_name_en,
    mart.colour_rank(colour) as colour_rank,
    snapshot_version,
    published_at
from indicators;

comment on view mart.v_chi_thi_04_long is
    'Báo cáo tuần Chỉ thị 04 dạng dài: một dòng mỗi kỳ, đơn vị và chỉ số, với giá trị và màu (phiên '
    'bản mới nhất) / the Directive 04 weekly report in long form: one row per report date, unit and '
    'indicator (on_time, online, payment, overall) with its value and colour, latest version';
comment on column mart.v_chi_thi_04_long.report_date is 'Ngày báo cáo (thứ Sáu) / report date R, a Friday';
comment on column mart.v_chi_thi_04_long.period_start is 'Đầu kỳ: R − 7 ngày 00:00 / period start (inclusive)';
comment on column mart.v_chi_thi_04_long.period_end is 'Cuối kỳ = chốt số liệu R 00:00 / period end = cutoff (exclusive)';
comment on column mart.v_chi_thi_04_long.unit_code is 'Mã định danh đơn vị / unit code';
comment on column mart.v_chi_thi_04_long.unit_name is 'Tên đơn vị tại thời điểm chốt / unit name at the cutoff';
comment on column mart.v_chi_thi_04_long.unit_level is 'Cấp đơn vị / unit level';
comment on column mart.v_chi_thi_04_long.parent_unit_code is 'Mã đơn vị cha / parent unit code';
comment on column mart.v_chi_thi_04_long.indicator is 'Chỉ số: on_time, online, payment, overall / indicator code';
comment on column mart.v_chi_thi_04_long.indicator_name_vi is 'Tên chỉ số (tiếng Việt) / indicator name in Vietnamese';
comment on column mart.v_chi_thi_04_long.indicator_name_en is 'Tên chỉ số (tiếng Anh) / indicator name in English';
comment on column mart.v_chi_thi_04_long.numerator is
    'Tử số của tỷ lệ (NULL với overall) / numerator of the rate: sum it across units, then divide; NULL for overall';
comment on column mart.v_chi_thi_04_long.denominator is
    'Mẫu số của tỷ lệ (NULL với overall) / denominator of the rate; NULL for overall';
comment on column mart.v_chi_thi_04_long.value is
    'Giá trị tỷ lệ trong [0, 1], NULL nếu mẫu số 0 hoặc overall / the rate, a fraction in [0, 1]; NULL when the denominator is 0, and for overall';
comment on column mart.v_chi_thi_04_long.colour is 'Mã màu: xanh, vang, cam, do, trang / colour code';
comment on column mart.v_chi_thi_04_long.colour_name_vi is 'Tên màu (tiếng Việt) / colour name in Vietnamese';
comment on column mart.v_chi_thi_04_long.colour_name_en is 'Tên màu (tiếng Anh) / colour name in English';
comment on column mart.v_chi_thi_04_long.colour_rank is
    'Thứ hạng màu: xanh 4, vang 3, cam 2, do 1, trang NULL / colour rank; trang has none';
comment on column mart.v_chi_thi_04_long.snapshot_version is 'Phiên bản báo cáo / snapshot version';
comment on column mart.v_chi_thi_04_long.published_at is 'Thời điểm công bố phiên bản / when the version was published';

-- The report views of V005 pass their columns through from mart.chi_thi_04_weekly; give each
-- column the comment of its source column there, unless it already has one.
do $$
declare
    target record;
begin
    for target in
        select v.attrelid::regclass as view_name, v.attname, col_description(w.attrelid, w.attnum) as comment
        from pg_attribute as v
        inner join pg_attribute as w
            on w.attrelid = 'mart.chi_thi_04_weekly'::regclass and w.attname = v.attname
        where v.attrelid in ('mart.chi_thi_04_latest'::regclass, 'mart.chi_thi_04_regressions'::regclass)
            and v.attnum > 0
            and col_description(v.attrelid, v.attnum) is null
            and col_description(w.attrelid, w.attnum) is not null
    loop
        execute format('comment on column %s.%I is %L', target.view_name, target.attname, target.comment);
    end loop;
end
$$;

do $$
begin
    if exists (select from pg_roles where rolname = 'bi_reader') then
        grant select on mart.v_chi_thi_04_long to bi_reader;
    end if;
end
$$;
