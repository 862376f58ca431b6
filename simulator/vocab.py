"""Vietnamese vocabulary of the generated province, modelled on the former Quảng Nam (code 49).

Unit, field and procedure names follow the real catalogue's style; the tables are synthetic
(not an official list) but realistic enough for reports and data-quality rules to be exercised.
"""

from __future__ import annotations

from dataclasses import dataclass

PROVINCE_NAME = "Quảng Nam"
PROVINCE_AREA_CODE = "49"
PROVINCE_SUFFIX = "H49"

# (level-3 code, name, key) of the provincial departments and agencies.
DEPARTMENTS: tuple[tuple[int, str, str], ...] = (
    (2, "Sở Nội vụ", "noivu"),
    (3, "Sở Tư pháp", "tuphap"),
    (4, "Sở Kế hoạch và Đầu tư", "khdt"),
    (5, "Sở Tài chính", "taichinh"),
    (6, "Sở Công Thương", "congthuong"),
    (7, "Sở Nông nghiệp và Phát triển nông thôn", "nnptnt"),
    (8, "Sở Giao thông vận tải", "gtvt"),
    (9, "Sở Xây dựng", "xaydung"),
    (10, "Sở Tài nguyên và Môi trường", "tnmt"),
    (11, "Sở Thông tin và Truyền thông", "tttt"),
    (12, "Sở Lao động - Thương binh và Xã hội", "ldtbxh"),
    (13, "Sở Văn hóa, Thể thao và Du lịch", "vhttdl"),
    (14, "Sở Khoa học và Công nghệ", "khcn"),
    (15, "Sở Giáo dục và Đào tạo", "gddt"),
    (16, "Sở Y tế", "yte"),
    (17, "Thanh tra tỉnh", "thanhtra"),
    (18, "Ban Dân tộc", "dantoc"),
    (19, "Ban Quản lý các Khu kinh tế và Khu công nghiệp tỉnh", "bqlkkt"),
    (20, "Sở Ngoại vụ", "ngoaivu"),
)

# (key, name in a district, name in a city or town) of the rooms every district has.
ROOM_TYPES: tuple[tuple[str, str, str], ...] = (
    ("vp", "Văn phòng HĐND và UBND", "Văn phòng HĐND và UBND"),
    ("tp", "Phòng Tư pháp", "Phòng Tư pháp"),
    ("tnmt", "Phòng Tài nguyên và Môi trường", "Phòng Tài nguyên và Môi trường"),
    ("kt", "Phòng Kinh tế và Hạ tầng", "Phòng Quản lý đô thị"),
    ("nn", "Phòng Nông nghiệp và Phát triển nông thôn", "Phòng Kinh tế"),
    ("tckh", "Phòng Tài chính - Kế hoạch", "Phòng Tài chính - Kế hoạch"),
    ("ldtbxh", "Phòng Lao động - Thương binh và Xã hội", "Phòng Lao động - Thương binh và Xã hội"),
    ("vhtt", "Phòng Văn hóa và Thông tin", "Phòng Văn hóa và Thông tin"),
    ("gd", "Phòng Giáo dục và Đào tạo", "Phòng Giáo dục và Đào tạo"),
    ("yt", "Phòng Y tế", "Phòng Y tế"),
    ("nv", "Phòng Nội vụ", "Phòng Nội vụ"),
    ("dkdd", "Chi nhánh Văn phòng Đăng ký đất đai", "Chi nhánh Văn phòng Đăng ký đất đai"),
)

# (area code, kind, name, relative population, communes). A commune is "<kind letter> <name>":
# x = xã, p = phường, t = thị trấn.
DISTRICTS: tuple[tuple[str, str, str, float, str], ...] = (
    ("502", "thành phố", "Tam Kỳ", 1.4,
     "p An Mỹ|p An Sơn|p An Xuân|p An Phú|p Hòa Hương|p Hòa Thuận|p Phước Hòa|p Tân Thạnh|"
     "p Trường Xuân|x Tam Thăng|x Tam Thanh|x Tam Phú|x Tam Ngọc"),
    ("503", "thành phố", "Hội An", 1.1,
     "p Minh An|p Tân An|p Cẩm Phô|p Thanh Hà|p Sơn Phong|p Cẩm Châu|p Cẩm An|p Cẩm Nam|"
     "p Cửa Đại|x Cẩm Hà|x Cẩm Kim|x Cẩm Thanh|x Tân Hiệp"),
    ("504", "huyện", "Tây Giang", 0.25,
     "x A Tiêng|x Lăng|x A Xan|x Ch'ơm|x Ga Ri|x Tr'hy|x Bhalêê|x A Vương|x Dang"),
    ("505", "huyện", "Đông Giang", 0.3,
     "t Prao|x A Ting|x Jơ Ngây|x Sông Kôn|x Tà Lu|x Ba|x Za Hung|x Mà Cooih|x Kà Dăng|x A Rooi"),
    ("506", "huyện", "Đại Lộc", 1.3,
     "t Ái Nghĩa|x Đại Hiệp|x Đại Hòa|x Đại An|x Đại Nghĩa|x Đại Quang|x Đại Đồng|x Đại Sơn|"
     "x Đại Lãnh|x Đại Hưng|x Đại Hồng|x Đại Thạnh|x Đại Chánh|x Đại Tân|x Đại Phong|"
     "x Đại Minh|x Đại Cường|x Đại Thắng"),
    ("507", "thị xã", "Điện Bàn", 1.8,
     "p Vĩnh Điện|p Điện An|p Điện Ngọc|p Điện Nam Bắc|p Điện Nam Trung|p Điện Nam Đông|"
     "p Điện Dương|x Điện Hòa|x Điện Thắng Bắc|x Điện Thắng Trung|x Điện Thắng Nam|"
     "x Điện Tiến|x Điện Hồng|x Điện Thọ|x Điện Phước|x Điện Minh|x Điện Phong|"
     "x Điện Trung|x Điện Quang|x Điện Phương"),
    ("508", "huyện", "Duy Xuyên", 1.1,
     "t Nam Phước|x Duy Thu|x Duy Phú|x Duy Tân|x Duy Hòa|x Duy Châu|x Duy Trinh|x Duy Sơn|"
     "x Duy Trung|x Duy Phước|x Duy Thành|x Duy Vinh|x Duy Nghĩa|x Duy Hải"),
    ("509", "huyện", "Quế Sơn", 0.8,
     "t Đông Phú|x Quế Xuân 1|x Quế Xuân 2|x Quế Phú|x Hương An|x Quế Hiệp|x Quế Thuận|"
     "x Quế Mỹ|x Quế Long|x Quế Châu|x Quế Phong|x Quế An|x Quế Minh"),
    ("510", "huyện", "Nam Giang", 0.3,
     "t Thạnh Mỹ|x Chà Vàl|x Zuôich|x Tà Bhing|x Tà Pơơ|x Cà Dy|x Đắc Pre|x Đắc Pring|"
     "x La Êê|x La Dêê|x Chơ Chun"),
    ("511", "huyện", "Phước Sơn", 0.3,
     "t Khâm Đức|x Phước Xuân|x Phước Đức|x Phước Năng|x Phước Mỹ|x Phước Chánh|"
     "x Phước Công|x Phước Kim|x Phước Thành|x Phước Lộc|x Phước Hòa"),
    ("512", "huyện", "Hiệp Đức", 0.45,
     "t Tân Bình|x Quế Thọ|x Bình Lâm|x Sông Trà|x Phước Trà|x Phước Gia|x Quế Lưu|"
     "x Thăng Phước|x Bình Sơn|x Hiệp Hòa|x Hiệp Thuận"),
    ("513", "huyện", "Thăng Bình", 1.5,
     "t Hà Lam|x Bình Dương|x Bình Giang|x Bình Nguyên|x Bình Phục|x Bình Triều|x Bình Đào|"
     "x Bình Minh|x Bình Lãnh|x Bình Trị|x Bình Định Bắc|x Bình Định Nam|x Bình Quý|"
     "x Bình Phú|x Bình Chánh|x Bình Tú|x Bình Sa|x Bình Hải|x Bình Quế|x Bình An|"
     "x Bình Trung|x Bình Nam"),
    ("514", "huyện", "Tiên Phước", 0.6,
     "t Tiên Kỳ|x Tiên Sơn|x Tiên Hà|x Tiên Cẩm|x Tiên Châu|x Tiên Lãnh|x Tiên Ngọc|"
     "x Tiên Hiệp|x Tiên Cảnh|x Tiên Mỹ|x Tiên Phong|x Tiên Thọ|x Tiên An|x Tiên Lộc|x Tiên Lập"),
    ("515", "huyện", "Bắc Trà My", 0.35,
     "t Trà My|x Trà Sơn|x Trà Kót|x Trà Nú|x Trà Đông|x Trà Dương|x Trà Giang|x Trà Bui|"
     "x Trà Đốc|x Trà Tân|x Trà Giác|x Trà Giáp|x Trà Ka"),
    ("516", "huyện", "Nam Trà My", 0.25,
     "x Trà Leng|x Trà Dơn|x Trà Tập|x Trà Mai|x Trà Cang|x Trà Linh|x Trà Nam|x Trà Don|"
     "x Trà Vân|x Trà Vinh"),
    ("517", "huyện", "Núi Thành", 1.2,
     "t Núi Thành|x Tam Xuân I|x Tam Xuân II|x Tam Tiến|x Tam Sơn|x Tam Thạnh|x Tam Anh Bắc|"
     "x Tam Anh Nam|x Tam Hòa|x Tam Hiệp|x Tam Hải|x Tam Giang|x Tam Quang|x Tam Nghĩa|"
     "x Tam Mỹ Tây|x Tam Mỹ Đông|x Tam Trà"),
    ("518", "huyện", "Phú Ninh", 0.7,
     "t Phú Thịnh|x Tam Thành|x Tam An|x Tam Đàn|x Tam Lộc|x Tam Phước|x Tam Vinh|x Tam Thái|"
     "x Tam Đại|x Tam Dân|x Tam Lãnh"),
    ("519", "huyện", "Nông Sơn", 0.25,
     "x Quế Trung|x Ninh Phước|x Phước Ninh|x Quế Lộc|x Sơn Viên|x Quế Lâm"),
)
COMMUNE_KINDS = {"x": "xã", "p": "phường", "t": "thị trấn"}

# Dossier shares by level (former Quảng Nam, Q1 2025: 14.8 k provincial, 42.3 k district,
# 35.8 k commune dossiers).
LEVEL_SHARES = (0.16, 0.45, 0.39)
LEVELS = ("tinh", "huyen", "xa")
ONLINE_LEVELS = ("khong", "mot_phan", "toan_trinh")
ONLINE_LEVEL_SHARES = ((0.35, 0.25, 0.40), (0.10, 0.30, 0.60))  # other, most requested

DURATIONS: dict[str, tuple[int | None, ...]] = {
    "short": (1, 1, 2, 3, 3, 5, None),
    "medium": (3, 5, 5, 7, 10, 10, 15, None),
    "long": (10, 15, 15, 20, 20, 30, None),
}
DEFAULT_VERBS = ("Cấp", "Cấp lại", "Gia hạn", "Điều chỉnh", "Thu hồi")


@dataclass(frozen=True)
class FieldSpec:
    """One field (lĩnh vực) of the procedure catalogue and who handles it at each level."""

    code: str
    name: str
    department: str | None  # key in DEPARTMENTS handling its provincial procedures
    room: str | None  # key in ROOM_TYPES handling its district procedures
    counts: tuple[int, int, int]  # procedures at tinh, huyen, xa level
    volume: tuple[float, float, float]  # relative dossier volume at each level
    fee_share: float  # share of its procedures with fees
    durations: str  # key in DURATIONS
    business_share: float  # share of dossiers filed by businesses
    names: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()  # combined with DEFAULT_VERBS once ``names`` run out

    def procedure_names(self) -> list[str]:
        generated = [f"{verb} {subject}" for subject in self.subjects for verb in DEFAULT_VERBS]
        return list(dict.fromkeys(self.names + tuple(generated)))

    @property
    def commune_role(self) -> str:
        """The commune officer who processes this field's dossiers."""
        ministry = self.code.split("-")[0]
        if ministry == "BTP":
            return "Công chức Tư pháp - Hộ tịch"
        if ministry in ("TNMT", "BXD", "NN"):
            return "Công chức Địa chính - Xây dựng - Nông nghiệp và Môi trường"
        if ministry in ("LDTBXH", "VH", "BYT", "GD"):
            return "Công chức Văn hóa - Xã hội"
        return "Công chức Văn phòng - Thống kê"


def _f(code: str, name: str, department: str | None, room: str | None,
       counts: tuple[int, int, int], volume: tuple[float, float, float], fee_share: float,
       durations: str, business_share: float, names: tuple[str, ...] = (),
       subjects: tuple[str, ...] = ()) -> FieldSpec:
    return FieldSpec(code, name, department, room, counts, volume, fee_share, durations,
                     business_share, names, subjects)


FIELDS: tuple[FieldSpec, ...] = (
    _f("BTP-01", "Hộ tịch", "tuphap", "tp", (0, 8, 14), (0, 3, 30), 0.3, "short", 0.0, (
        "Đăng ký khai sinh", "Đăng ký kết hôn", "Đăng ký khai tử", "Cấp bản sao Trích lục hộ tịch",
        "Cấp Giấy xác nhận tình trạng hôn nhân", "Đăng ký nhận cha, mẹ, con",
        "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch", "Đăng ký giám hộ",
        "Đăng ký chấm dứt giám hộ", "Đăng ký lại khai sinh", "Đăng ký lại kết hôn",
        "Đăng ký lại khai tử", "Đăng ký khai sinh kết hợp nhận cha, mẹ, con",
        "Đăng ký khai sinh lưu động", "Đăng ký khai sinh có yếu tố nước ngoài",
        "Đăng ký kết hôn có yếu tố nước ngoài", "Đăng ký khai tử có yếu tố nước ngoài",
        "Ghi vào Sổ hộ tịch việc kết hôn của công dân Việt Nam đã được giải quyết tại cơ quan "
        "có thẩm quyền của nước ngoài")),
    _f("BTP-02", "Chứng thực", "tuphap", "tp", (0, 6, 8), (0, 10, 40), 1.0, "short", 0.05, (
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của Việt Nam "
        "cấp hoặc chứng nhận", "Chứng thực chữ ký trong các giấy tờ, văn bản",
        "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất "
        "và nhà ở", "Chứng thực di chúc", "Chứng thực văn bản thỏa thuận phân chia di sản",
        "Chứng thực văn bản khai nhận di sản", "Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp "
        "đồng, giao dịch", "Cấp bản sao có chứng thực từ bản chính hợp đồng, giao dịch đã được "
        "chứng thực", "Chứng thực chữ ký người dịch mà người dịch là cộng tác viên dịch thuật")),
    _f("BTP-03", "Lý lịch tư pháp", "tuphap", None, (5, 0, 0), (12, 0, 0), 1.0, "medium", 0.0,
       ("Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại "
        "Việt Nam", "Cấp Phiếu lý lịch tư pháp cho cơ quan tiến hành tố tụng",
        "Cấp Phiếu lý lịch tư pháp cho cơ quan nhà nước, tổ chức chính trị, tổ chức chính trị "
        "- xã hội", "Cấp Phiếu lý lịch tư pháp qua ứng dụng VNeID",
        "Cấp lại Phiếu lý lịch tư pháp")),
    _f("BTP-04", "Quốc tịch", "tuphap", None, (6, 0, 0), (0.4, 0, 0), 1.0, "long", 0.0, (
        "Thôi quốc tịch Việt Nam ở trong nước", "Nhập quốc tịch Việt Nam",
        "Trở lại quốc tịch Việt Nam ở trong nước", "Xác nhận có quốc tịch Việt Nam ở trong nước",
        "Cấp Giấy xác nhận là người gốc Việt Nam", "Đăng ký giữ quốc tịch Việt Nam")),
    _f("BTP-05", "Công chứng", "tuphap", None, (8, 0, 0), (0.8, 0, 0), 0.8, "medium", 0.1, (),
       ("Giấy đăng ký hoạt động của Văn phòng công chứng", "Thẻ công chứng viên")),
    _f("BTP-06", "Luật sư và Tư vấn pháp luật", "tuphap", None, (6, 0, 0), (0.3, 0, 0), 0.8,
       "medium", 0.3, (), ("Giấy đăng ký hoạt động của tổ chức hành nghề luật sư",
                           "Giấy đăng ký hoạt động của Trung tâm tư vấn pháp luật")),
    _f("BTP-07", "Nuôi con nuôi", "tuphap", None, (3, 0, 3), (0.2, 0, 0.3), 0.6, "long", 0.0, (
        "Đăng ký việc nuôi con nuôi trong nước", "Đăng ký lại việc nuôi con nuôi trong nước",
        "Giải quyết việc người nước ngoài thường trú ở Việt Nam nhận trẻ em Việt Nam làm con "
        "nuôi")),
    _f("BTP-08", "Bồi thường nhà nước", "tuphap", "tp", (3, 2, 2), (0.05, 0.05, 0.05), 0.0,
       "long", 0.0, ("Giải quyết yêu cầu bồi thường tại cơ quan trực tiếp quản lý người thi "
                     "hành công vụ gây thiệt hại", "Phục hồi danh dự",
                     "Giải quyết yêu cầu bồi thường tại cơ quan có trách nhiệm bồi thường")),
    _f("BTP-09", "Trợ giúp pháp lý", "tuphap", None, (4, 0, 0), (0.3, 0, 0), 0.0, "medium", 0.0,
       ("Yêu cầu trợ giúp pháp lý", "Rút yêu cầu trợ giúp pháp lý của người được trợ giúp pháp "
        "lý", "Thay đổi người thực hiện trợ giúp pháp lý", "Khiếu nại về trợ giúp pháp lý")),
    _f("BTP-10", "Hòa giải cơ sở", "tuphap", None, (0, 0, 3), (0, 0, 0.4), 0.0, "short", 0.0,
       ("Công nhận hòa giải viên", "Công nhận tổ trưởng tổ hòa giải",
        "Thôi làm hòa giải viên")),
    _f("BKH-01", "Thành lập và hoạt động doanh nghiệp", "khdt", None, (18, 0, 0), (14, 0, 0), 0.6,
       "short", 0.95, (
           "Đăng ký thành lập doanh nghiệp tư nhân",
           "Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên",
           "Đăng ký thành lập công ty trách nhiệm hữu hạn hai thành viên trở lên",
           "Đăng ký thành lập công ty cổ phần", "Đăng ký thay đổi người đại diện theo pháp luật",
           "Đăng ký thay đổi vốn điều lệ", "Đăng ký thay đổi địa chỉ trụ sở chính",
           "Đăng ký đổi tên doanh nghiệp", "Thông báo tạm ngừng kinh doanh",
           "Giải thể doanh nghiệp", "Đăng ký hoạt động chi nhánh, văn phòng đại diện",
           "Thông báo lập địa điểm kinh doanh", "Thông báo thay đổi ngành, nghề kinh doanh",
           "Cấp đổi Giấy chứng nhận đăng ký doanh nghiệp", "Hiệu đính thông tin đăng ký doanh "
           "nghiệp", "Chuyển đổi loại hình doanh nghiệp", "Cấp lại Giấy chứng nhận đăng ký "
           "doanh nghiệp", "Thông báo tiếp tục kinh doanh trước thời hạn đã thông báo")),
    _f("BKH-02", "Thành lập và hoạt động của hộ kinh doanh", None, "tckh", (0, 6, 0), (0, 8, 0),
       0.7, "short", 0.3, (
           "Đăng ký thành lập hộ kinh doanh", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh",
           "Tạm ngừng hoạt động hộ kinh doanh", "Chấm dứt hoạt động hộ kinh doanh",
           "Cấp lại Giấy chứng nhận đăng ký hộ kinh doanh",
           "Chuyển hộ kinh doanh thành doanh nghiệp")),
    _f("BKH-03", "Thành lập và hoạt động của hợp tác xã", "khdt", "tckh", (6, 5, 0),
       (0.4, 0.4, 0), 0.5, "short", 0.9, (
           "Đăng ký thành lập hợp tác xã", "Đăng ký thay đổi nội dung đăng ký hợp tác xã",
           "Giải thể tự nguyện hợp tác xã", "Tạm ngừng hoạt động của hợp tác xã",
           "Cấp lại giấy chứng nhận đăng ký hợp tác xã", "Đăng ký thành lập liên hiệp hợp tác "
           "xã")),
    _f("BKH-04", "Đầu tư tại Việt Nam", "khdt", None, (10, 0, 0), (1.5, 0, 0), 0.1, "long", 1.0,
       (), ("Giấy chứng nhận đăng ký đầu tư", "Quyết định chủ trương đầu tư")),
    _f("TNMT-01", "Đất đai", "tnmt", "dkdd", (14, 18, 3), (8, 55, 6), 0.6, "long", 0.1, (
        "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
        "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn "
        "liền với đất lần đầu", "Cấp đổi Giấy chứng nhận quyền sử dụng đất",
        "Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất",
        "Chuyển mục đích sử dụng đất phải được phép của cơ quan nhà nước có thẩm quyền",
        "Tách thửa hoặc hợp thửa đất", "Đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền "
        "với đất", "Xóa đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất",
        "Đăng ký chuyển nhượng, tặng cho, thừa kế quyền sử dụng đất",
        "Đính chính Giấy chứng nhận đã cấp", "Cung cấp dữ liệu đất đai",
        "Gia hạn sử dụng đất ngoài khu công nghệ cao, khu kinh tế",
        "Giao đất, cho thuê đất không thông qua đấu giá quyền sử dụng đất",
        "Thu hồi Giấy chứng nhận đã cấp không đúng quy định của pháp luật đất đai",
        "Xác nhận tiếp tục sử dụng đất nông nghiệp của hộ gia đình, cá nhân khi hết hạn sử "
        "dụng đất",
        "Đăng ký xác lập quyền sử dụng hạn chế thửa đất liền kề",
        "Đăng ký đất đai lần đầu đối với trường hợp được Nhà nước giao đất để quản lý",
        "Chuyển đổi quyền sử dụng đất nông nghiệp của hộ gia đình, cá nhân")),
    _f("TNMT-02", "Môi trường", "tnmt", "tnmt", (8, 3, 1), (1.5, 0.8, 0.2), 0.5, "long", 0.9,
       ("Đăng ký môi trường", "Cấp giấy phép môi trường",
        "Thẩm định báo cáo đánh giá tác động môi trường", "Cấp điều chỉnh giấy phép môi trường",
        "Cấp lại giấy phép môi trường", "Cấp đổi giấy phép môi trường",
        "Vận hành thử nghiệm công trình xử lý chất thải", "Chấp thuận tách đấu nối khỏi hệ "
        "thống xử lý nước thải tập trung")),
    _f("TNMT-03", "Tài nguyên nước", "tnmt", None, (6, 0, 0), (0.5, 0, 0), 0.8, "long", 0.9, (),
       ("giấy phép khai thác, sử dụng nước mặt", "giấy phép khai thác, sử dụng nước dưới đất")),
    _f("TNMT-04", "Khoáng sản", "tnmt", None, (6, 0, 0), (0.4, 0, 0), 0.8, "long", 1.0, (),
       ("Giấy phép khai thác khoáng sản", "Giấy phép thăm dò khoáng sản")),
    _f("BXD-01", "Hoạt động xây dựng", "xaydung", "kt", (10, 5, 0), (3, 9, 0), 0.7, "medium", 0.3,
       ("Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        "Cấp giấy phép xây dựng sửa chữa, cải tạo đối với nhà ở riêng lẻ",
        "Cấp giấy phép di dời đối với công trình", "Cấp điều chỉnh giấy phép xây dựng",
        "Gia hạn giấy phép xây dựng", "Cấp lại giấy phép xây dựng",
        "Thẩm định Báo cáo nghiên cứu khả thi đầu tư xây dựng",
        "Thẩm định thiết kế xây dựng triển khai sau thiết kế cơ sở",
        "Cấp chứng chỉ hành nghề hoạt động xây dựng", "Cấp chứng chỉ năng lực hoạt động xây "
        "dựng")),
    _f("BXD-02", "Nhà ở", "xaydung", None, (5, 0, 0), (0.6, 0, 0), 0.3, "medium", 0.3, (
        "Thuê nhà ở công vụ", "Thuê nhà ở xã hội", "Mua nhà ở xã hội",
        "Thông báo nhà ở hình thành trong tương lai đủ điều kiện được bán, cho thuê mua",
        "Cấp chứng chỉ hành nghề môi giới bất động sản")),
    _f("BXD-03", "Quy hoạch xây dựng, kiến trúc", "xaydung", "kt", (4, 3, 0), (0.5, 0.8, 0), 0.3,
       "long", 0.6, ("Cung cấp thông tin về quy hoạch xây dựng", "Cấp giấy phép quy hoạch",
                     "Thẩm định nhiệm vụ, đồ án quy hoạch chi tiết xây dựng",
                     "Cấp chứng chỉ hành nghề kiến trúc")),
    _f("GTVT-01", "Đường bộ", "gtvt", None, (16, 0, 0), (18, 0, 0), 0.9, "short", 0.15, (
        "Đổi giấy phép lái xe do ngành Giao thông vận tải cấp",
        "Cấp lại giấy phép lái xe", "Cấp mới giấy phép lái xe",
        "Đổi giấy phép lái xe hoặc bằng lái xe của nước ngoài cấp",
        "Cấp giấy phép xe tập lái", "Cấp Giấy phép kinh doanh vận tải bằng xe ô tô",
        "Cấp phù hiệu xe ô tô kinh doanh vận tải", "Cấp lại phù hiệu xe ô tô kinh doanh vận tải",
        "Cấp giấy phép lưu hành xe quá tải trọng, xe quá khổ giới hạn",
        "Cấp Giấy chứng nhận cải tạo phương tiện giao thông cơ giới đường bộ",
        "Cấp giấy phép thi công công trình đường bộ", "Chấp thuận xây dựng công trình thiết "
        "yếu trong phạm vi bảo vệ kết cấu hạ tầng giao thông đường bộ",
        "Cấp chứng chỉ sơ cấp giáo viên dạy thực hành lái xe",
        "Cấp Giấy phép liên vận Việt - Lào", "Cấp Giấy phép vận tải đường bộ quốc tế",
        "Công bố đưa bến xe khách vào khai thác")),
    _f("GTVT-02", "Đường thủy nội địa", "gtvt", "kt", (5, 3, 0), (0.5, 0.4, 0), 0.6, "short",
       0.4, ("Đăng ký phương tiện thủy nội địa lần đầu", "Đăng ký lại phương tiện thủy nội địa",
             "Xóa giấy chứng nhận đăng ký phương tiện thủy nội địa",
             "Công bố hoạt động bến thủy nội địa", "Cấp giấy phép hoạt động bến khách ngang "
             "sông")),
    _f("LDTBXH-01", "Bảo trợ xã hội", "ldtbxh", "ldtbxh", (3, 6, 4), (0.4, 6, 6), 0.0, "medium",
       0.0, ("Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng",
             "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội",
             "Trợ giúp xã hội khẩn cấp về hỗ trợ làm nhà ở, sửa chữa nhà ở",
             "Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật",
             "Tiếp nhận đối tượng bảo trợ xã hội có hoàn cảnh đặc biệt khó khăn vào cơ sở trợ "
             "giúp xã hội", "Công nhận hộ nghèo, hộ cận nghèo phát sinh trong năm",
             "Đăng ký thành lập cơ sở trợ giúp xã hội ngoài công lập")),
    _f("LDTBXH-02", "Người có công", "ldtbxh", "ldtbxh", (8, 6, 4), (3, 4, 5), 0.0, "medium", 0.0,
       ("Giải quyết chế độ trợ cấp thờ cúng liệt sĩ",
        "Giải quyết chế độ ưu đãi đối với Bà mẹ Việt Nam anh hùng",
        "Hưởng trợ cấp khi người có công đang hưởng trợ cấp ưu đãi từ trần",
        "Cấp giấy giới thiệu đi thăm viếng mộ liệt sĩ và hỗ trợ thăm viếng mộ liệt sĩ",
        "Di chuyển hài cốt liệt sĩ", "Mua bảo hiểm y tế đối với người có công và thân nhân",
        "Hỗ trợ người có công đi làm phương tiện, dụng cụ trợ giúp chỉnh hình",
        "Đính chính thông tin trên bia mộ liệt sĩ", "Công nhận và giải quyết chế độ con đẻ của "
        "người hoạt động kháng chiến bị nhiễm chất độc hóa học")),
    _f("LDTBXH-03", "Việc làm", "ldtbxh", None, (8, 0, 0), (4, 0, 0), 0.0, "medium", 0.1, (
        "Giải quyết hưởng trợ cấp thất nghiệp", "Tạm dừng hưởng trợ cấp thất nghiệp",
        "Tiếp tục hưởng trợ cấp thất nghiệp", "Chuyển nơi hưởng trợ cấp thất nghiệp",
        "Hỗ trợ học nghề", "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại "
        "Việt Nam", "Cấp lại giấy phép lao động cho người lao động nước ngoài",
        "Xác nhận người lao động nước ngoài không thuộc diện cấp giấy phép lao động")),
    _f("LDTBXH-04", "Giáo dục nghề nghiệp", "ldtbxh", "ldtbxh", (6, 2, 0), (0.6, 0.3, 0), 0.2,
       "medium", 0.6, (), ("Giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp",
                           "Giấy chứng nhận đăng ký hoạt động liên kết đào tạo")),
    _f("LDTBXH-05", "An toàn, vệ sinh lao động", "ldtbxh", None, (4, 0, 0), (0.4, 0, 0), 0.3,
       "medium", 1.0, (), ("Giấy chứng nhận đủ điều kiện hoạt động huấn luyện an toàn, vệ sinh "
                           "lao động",)),
    _f("LDTBXH-06", "Trẻ em", None, "ldtbxh", (0, 2, 2), (0, 0.5, 0.8), 0.0, "short", 0.0, (
        "Áp dụng các biện pháp can thiệp khẩn cấp hoặc tạm thời cách ly trẻ em",
        "Chấm dứt việc chăm sóc thay thế cho trẻ em")),
    _f("BCT-01", "Lưu thông hàng hóa trong nước", "congthuong", "kt", (8, 4, 0), (2, 2, 0), 0.8,
       "short", 0.8, (), ("Giấy phép bán lẻ rượu", "Giấy phép bán lẻ sản phẩm thuốc lá",
                          "Giấy phép kinh doanh bán buôn sản phẩm rượu")),
    _f("BCT-02", "Kinh doanh khí", "congthuong", None, (5, 0, 0), (0.6, 0, 0), 0.9, "short", 1.0,
       (), ("Giấy chứng nhận đủ điều kiện cửa hàng bán lẻ LPG chai",
            "Giấy chứng nhận đủ điều kiện trạm nạp LPG vào chai")),
    _f("BCT-03", "Hóa chất", "congthuong", None, (4, 0, 0), (0.3, 0, 0), 0.9, "medium", 1.0, (),
       ("Giấy chứng nhận đủ điều kiện sản xuất, kinh doanh hóa chất sản xuất, kinh doanh có "
        "điều kiện trong lĩnh vực công nghiệp",)),
    _f("BCT-04", "An toàn thực phẩm (Công Thương)", "congthuong", None, (4, 0, 0), (0.8, 0, 0),
       0.9, "medium", 0.9, (), ("Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",)),
    _f("BCT-05", "Điện", "congthuong", None, (4, 0, 0), (0.3, 0, 0), 0.9, "medium", 1.0, (),
       ("Giấy phép hoạt động phát điện", "Thẻ an toàn điện")),
    _f("NN-01", "Thú y", "nnptnt", None, (6, 0, 0), (1.5, 0, 0), 0.9, "short", 0.5, (),
       ("Giấy chứng nhận kiểm dịch động vật, sản phẩm động vật vận chuyển ra khỏi địa bàn cấp "
        "tỉnh", "Chứng chỉ hành nghề thú y")),
    _f("NN-02", "Trồng trọt và Bảo vệ thực vật", "nnptnt", None, (6, 0, 0), (0.8, 0, 0), 0.8,
       "short", 0.7, (), ("Giấy chứng nhận đủ điều kiện buôn bán thuốc bảo vệ thực vật",
                          "Giấy chứng nhận đủ điều kiện buôn bán phân bón")),
    _f("NN-03", "Lâm nghiệp", "nnptnt", "nn", (5, 3, 2), (0.6, 0.8, 0.5), 0.1, "medium", 0.4, (
        "Phê duyệt phương án khai thác thực vật rừng thông thường",
        "Xác nhận bảng kê lâm sản", "Phân loại doanh nghiệp chế biến và xuất khẩu sản phẩm gỗ",
        "Chuyển loại rừng đối với khu rừng do Ủy ban nhân dân cấp tỉnh quyết định thành lập",
        "Giao rừng cho hộ gia đình, cá nhân")),
    _f("NN-04", "Thủy sản", "nnptnt", "nn", (6, 3, 0), (1, 1, 0), 0.6, "short", 0.3, (
        "Cấp giấy phép khai thác thủy sản", "Cấp lại giấy phép khai thác thủy sản",
        "Cấp văn bản chấp thuận đóng mới, cải hoán, thuê, mua tàu cá",
        "Đăng ký tàu cá", "Xóa đăng ký tàu cá", "Cấp giấy chứng nhận an toàn kỹ thuật tàu cá")),
    _f("NN-05", "Thủy lợi", "nnptnt", "nn", (3, 2, 1), (0.2, 0.3, 0.2), 0.2, "medium", 0.3, (
        "Cấp giấy phép cho các hoạt động trong phạm vi bảo vệ công trình thủy lợi",
        "Hỗ trợ đầu tư xây dựng phát triển thủy lợi nhỏ, thủy lợi nội đồng",
        "Phê duyệt phương án ứng phó thiên tai cho công trình, vùng hạ du đập")),
    _f("NN-06", "Phát triển nông thôn", "nnptnt", "nn", (2, 3, 0), (0.2, 0.6, 0), 0.0, "medium",
       0.4, ("Công nhận làng nghề", "Công nhận nghề truyền thống",
             "Hỗ trợ dự án liên kết sản xuất và tiêu thụ sản phẩm")),
    _f("VH-01", "Văn hóa cơ sở", "vhttdl", "vhtt", (6, 3, 2), (0.8, 0.8, 0.6), 0.6, "short", 0.6,
       ("Cấp giấy phép kinh doanh dịch vụ karaoke", "Cấp giấy phép điều chỉnh kinh doanh dịch "
        "vụ karaoke", "Thông báo tổ chức lễ hội", "Đăng ký tổ chức lễ hội",
        "Xét tặng danh hiệu Gia đình văn hóa hằng năm",
        "Xét tặng Giấy khen Khu dân cư văn hóa", "Cấp giấy phép kinh doanh dịch vụ vũ trường")),
    _f("VH-02", "Du lịch", "vhttdl", None, (8, 0, 0), (1.2, 0, 0), 0.8, "short", 0.9, (),
       ("Giấy phép kinh doanh dịch vụ lữ hành nội địa", "Thẻ hướng dẫn viên du lịch")),
    _f("VH-03", "Gia đình", "vhttdl", "vhtt", (2, 2, 2), (0.1, 0.3, 0.4), 0.0, "short", 0.0, (
        "Đăng ký hoạt động cơ sở trợ giúp nạn nhân bạo lực gia đình",
        "Cấp Giấy chứng nhận đăng ký hoạt động cơ sở tư vấn về phòng, chống bạo lực gia đình")),
    _f("VH-04", "Thể dục thể thao", "vhttdl", None, (5, 0, 0), (0.4, 0, 0), 0.8, "short", 0.8, (),
       ("Giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao",)),
    _f("TTTT-01", "Báo chí", "tttt", None, (6, 0, 0), (0.4, 0, 0), 0.5, "short", 0.8, (),
       ("Giấy phép xuất bản bản tin", "Giấy phép trưng bày tranh, ảnh tại nơi công cộng")),
    _f("TTTT-02", "Xuất bản, In và Phát hành", "tttt", "vhtt", (6, 2, 0), (0.5, 0.2, 0), 0.5,
       "short", 0.9, (), ("Giấy phép hoạt động in", "Giấy xác nhận đăng ký hoạt động phát hành "
                          "xuất bản phẩm")),
    _f("TTTT-03", "Phát thanh, truyền hình và thông tin điện tử", "tttt", None, (4, 0, 0),
       (0.3, 0, 0), 0.6, "medium", 1.0, (), ("Giấy phép thiết lập trang thông tin điện tử tổng "
                                             "hợp",)),
    _f("BYT-01", "Khám bệnh, chữa bệnh", "yte", None, (12, 0, 0), (3, 0, 0), 0.9, "medium", 0.2,
       (), ("Giấy phép hành nghề khám bệnh, chữa bệnh", "Giấy phép hoạt động đối với phòng "
            "khám đa khoa", "Giấy phép hoạt động đối với phòng khám chuyên khoa")),
    _f("BYT-02", "Dược phẩm", "yte", None, (10, 0, 0), (3, 0, 0), 0.9, "medium", 0.6, (),
       ("Chứng chỉ hành nghề dược", "Giấy chứng nhận đủ điều kiện kinh doanh dược đối với "
        "nhà thuốc")),
    _f("BYT-03", "An toàn thực phẩm và Dinh dưỡng", "yte", "yt", (5, 3, 0), (1, 2, 0), 0.9,
       "short", 0.7, ("Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với cơ sở "
                      "sản xuất, kinh doanh thực phẩm", "Đăng ký bản công bố sản phẩm",
                      "Cấp lại Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
                      "Cấp giấy xác nhận nội dung quảng cáo thực phẩm",
                      "Cấp Giấy chứng nhận đủ điều kiện an toàn thực phẩm đối với bếp ăn tập thể")),
    _f("BYT-04", "Y tế dự phòng", "yte", None, (4, 0, 0), (0.5, 0, 0), 0.7, "medium", 0.5, (
        "Công bố đủ điều kiện thực hiện hoạt động quan trắc môi trường lao động",
        "Cấp giấy chứng nhận đủ điều kiện thực hiện xét nghiệm khẳng định HIV",
        "Công bố cơ sở đủ điều kiện tiêm chủng", "Cấp giấy chứng nhận bệnh nghề nghiệp")),
    _f("GD-01", "Giáo dục và Đào tạo thuộc hệ thống giáo dục quốc dân", "gddt", "gd", (10, 6, 2),
       (1.5, 1.5, 0.5), 0.1, "medium", 0.3, (
           "Chuyển trường đối với học sinh trung học phổ thông",
           "Chuyển trường đối với học sinh trung học cơ sở", "Xin học lại tại trường khác",
           "Thành lập trường mầm non tư thục", "Cho phép trường mầm non hoạt động giáo dục",
           "Cho phép nhóm trẻ, lớp mẫu giáo độc lập hoạt động giáo dục",
           "Thành lập trung tâm ngoại ngữ, tin học", "Cấp phép hoạt động giáo dục kỹ năng sống",
           "Đăng ký hoạt động dạy thêm, học thêm", "Xét, cấp học bổng chính sách",
           "Hỗ trợ ăn trưa đối với trẻ em mẫu giáo", "Phê duyệt việc dạy và học bằng tiếng nước "
           "ngoài")),
    _f("GD-02", "Văn bằng, chứng chỉ", "gddt", "gd", (4, 2, 0), (2, 0.8, 0), 0.3, "short", 0.0, (
        "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc", "Chỉnh sửa nội dung văn bằng, chứng chỉ",
        "Công nhận văn bằng tốt nghiệp các cấp học phổ thông do cơ sở nước ngoài cấp",
        "Cấp giấy chứng nhận chất lượng giáo dục")),
    _f("NV-01", "Tôn giáo chính phủ", "noivu", "nv", (6, 3, 3), (0.3, 0.3, 0.3), 0.0, "medium",
       0.0, ("Đăng ký sinh hoạt tôn giáo tập trung", "Thông báo danh mục hoạt động tôn giáo",
             "Đề nghị tổ chức cuộc lễ ngoài cơ sở tôn giáo",
             "Thông báo tổ chức quyên góp ngoài địa bàn xã",
             "Đề nghị thay đổi địa điểm sinh hoạt tôn giáo tập trung",
             "Đăng ký thuyên chuyển chức sắc, chức việc, nhà tu hành")),
    _f("NV-02", "Thi đua - khen thưởng", "noivu", "nv", (4, 3, 3), (0.6, 0.6, 0.5), 0.0,
       "medium", 0.1, ("Tặng Bằng khen của Chủ tịch UBND tỉnh", "Tặng danh hiệu Lao động tiên tiến",
                       "Tặng Giấy khen của Chủ tịch UBND cấp huyện về thành tích thực hiện nhiệm "
                       "vụ chính trị", "Tặng danh hiệu Chiến sĩ thi đua cơ sở",
                       "Tặng Giấy khen của Chủ tịch UBND cấp xã")),
    _f("NV-03", "Công chức, viên chức", "noivu", None, (4, 0, 0), (0.4, 0, 0), 0.1, "long", 0.0, (
        "Thi tuyển công chức", "Xét tuyển viên chức", "Thăng hạng chức danh nghề nghiệp viên "
        "chức", "Tiếp nhận vào làm công chức")),
    _f("KHCN-01", "Hoạt động khoa học và công nghệ", "khcn", None, (6, 0, 0), (0.4, 0, 0), 0.4,
       "medium", 0.9, (), ("Giấy chứng nhận đăng ký hoạt động khoa học và công nghệ",
                           "Giấy chứng nhận doanh nghiệp khoa học và công nghệ")),
    _f("KHCN-02", "Tiêu chuẩn đo lường chất lượng", "khcn", None, (6, 0, 0), (0.6, 0, 0), 0.8,
       "short", 1.0, ("Đăng ký công bố hợp chuẩn dựa trên kết quả chứng nhận",
                      "Đăng ký công bố hợp quy đối với sản phẩm, hàng hóa",
                      "Kiểm tra nhà nước về đo lường đối với phương tiện đo nhập khẩu",
                      "Chỉ định tổ chức kiểm định phương tiện đo",
                      "Xét tặng Giải thưởng chất lượng quốc gia",
                      "Kiểm tra nhà nước về chất lượng hàng hóa nhập khẩu")),
    _f("KHCN-03", "An toàn bức xạ và hạt nhân", "khcn", None, (4, 0, 0), (0.3, 0, 0), 0.9,
       "medium", 0.9, (), ("Giấy phép tiến hành công việc bức xạ sử dụng thiết bị X-quang chẩn "
                           "đoán trong y tế", "Chứng chỉ nhân viên bức xạ")),
    _f("BTC-01", "Quản lý công sản", "taichinh", "tckh", (4, 2, 0), (0.4, 0.3, 0), 0.0, "medium",
       0.2, ("Quyết định mua sắm tài sản công", "Quyết định thu hồi tài sản công",
             "Quyết định điều chuyển tài sản công", "Quyết định thanh lý tài sản công")),
    _f("BTC-02", "Tài chính ngân sách", "taichinh", "tckh", (3, 1, 0), (0.5, 0.2, 0), 0.0,
       "medium", 0.3, ("Đăng ký mã số đơn vị có quan hệ với ngân sách",
                       "Thẩm tra quyết toán dự án hoàn thành",
                       "Xác định giá khởi điểm của tài sản đấu giá")),
    _f("TTCP-01", "Giải quyết khiếu nại, tố cáo", "thanhtra", "vp", (3, 3, 3), (0.2, 0.2, 0.2),
       0.0, "long", 0.0, ("Giải quyết khiếu nại lần đầu", "Giải quyết khiếu nại lần hai",
                          "Giải quyết tố cáo")),
    _f("TTCP-02", "Tiếp công dân", "thanhtra", "vp", (1, 1, 1), (0.2, 0.2, 0.2), 0.0, "short",
       0.0, ("Thủ tục tiếp công dân",)),
    _f("TTCP-03", "Phòng, chống tham nhũng", "thanhtra", None, (2, 0, 0), (0.05, 0, 0), 0.0,
       "medium", 0.0, ("Thủ tục kê khai tài sản, thu nhập", "Thủ tục công khai bản kê khai")),
    _f("UBDT-01", "Công tác dân tộc", "dantoc", "vp", (4, 2, 2), (0.2, 0.2, 0.2), 0.0, "medium",
       0.0, ("Công nhận người có uy tín trong đồng bào dân tộc thiểu số",
             "Đưa ra khỏi danh sách người có uy tín", "Xác định xã, thôn vùng đồng bào dân tộc "
             "thiểu số và miền núi", "Hỗ trợ đất ở, nhà ở cho hộ đồng bào dân tộc thiểu số")),
    _f("KKT-01", "Đầu tư tại khu kinh tế, khu công nghiệp", "bqlkkt", None, (8, 0, 0),
       (1, 0, 0), 0.2, "long", 1.0, (), ("Giấy chứng nhận đăng ký đầu tư trong khu kinh tế",
                                         "Giấy phép xây dựng trong khu công nghiệp")),
    _f("KKT-02", "Lao động trong khu kinh tế, khu công nghiệp", "bqlkkt", None, (4, 0, 0),
       (0.5, 0, 0), 0.0, "medium", 1.0, (), ("Giấy phép lao động cho người nước ngoài làm việc "
                                             "trong khu công nghiệp",)),
    _f("NG-01", "Công tác lãnh sự", "ngoaivu", None, (4, 0, 0), (0.3, 0, 0), 0.5, "short", 0.3, (
        "Cấp công hàm đề nghị cấp thị thực", "Hợp pháp hóa lãnh sự giấy tờ, tài liệu",
        "Chứng nhận lãnh sự giấy tờ, tài liệu", "Tổ chức hội nghị, hội thảo quốc tế")),
)

# Applicants: family names with their rough frequency in central Vietnam.
FAMILY_NAMES: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 31), ("Trần", 11), ("Lê", 9), ("Huỳnh", 6), ("Võ", 6), ("Phạm", 5), ("Phan", 4),
    ("Trương", 2.5), ("Hồ", 2.5), ("Hoàng", 2), ("Đặng", 2), ("Bùi", 1.5), ("Đỗ", 1.5),
    ("Ngô", 1.5), ("Đoàn", 1.5), ("Dương", 1), ("Lương", 1), ("Mai", 1), ("Đinh", 1),
    ("Cao", 0.8), ("Hà", 0.6), ("Châu", 0.6), ("Thái", 0.6), ("Lý", 0.5), ("Lâm", 0.5),
    ("Tạ", 0.3), ("Alăng", 0.3), ("Bhling", 0.2),
)
MIDDLE_NAMES = (
    ("Văn", "Văn", "Văn", "Minh", "Đức", "Quốc", "Hữu", "Công", "Thanh", "Ngọc", "Xuân", "Tấn",
     "Quang", "Anh", "Trọng", "Phước", "Đình", "Bá"),
    ("Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Bích", "Hồng", "Phương",
     "Thùy", "Diệu", "Khánh", "Bảo", "Như", "Hoài"),
)
GIVEN_NAMES = (
    ("Anh", "Bình", "Cường", "Dũng", "Đạt", "Định", "Đông", "Hải", "Hiếu", "Hòa", "Hùng", "Huy",
     "Khánh", "Khoa", "Kiên", "Lâm", "Long", "Lộc", "Minh", "Nam", "Nghĩa", "Nhân", "Phong",
     "Phúc", "Phước", "Quang", "Quân", "Sơn", "Tài", "Tâm", "Thành", "Thắng", "Thịnh", "Tiến",
     "Toàn", "Trí", "Trung", "Tuấn", "Vinh", "Việt", "Vũ", "Hưng", "Lợi", "Tín", "Sang",
     "Thuận", "Hiệp", "Tùng", "Bảo", "Duy"),
    ("An", "Anh", "Châu", "Chi", "Diễm", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền",
     "Hoa", "Hồng", "Huệ", "Hương", "Hường", "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga",
     "Ngân", "Nhung", "Nhi", "Oanh", "Phương", "Quyên", "Sương", "Tâm", "Thảo", "Thu", "Thủy",
     "Trang", "Trinh", "Tuyết", "Uyên", "Vân", "Vy", "Xuân", "Yến", "Lệ", "Ly", "Nhàn", "Kiều",
     "Thư", "Ngọc", "Hậu"),
)
COMPANY_TYPES = ("Công ty TNHH", "Công ty TNHH MTV", "Công ty Cổ phần", "Doanh nghiệp tư nhân",
                 "Hợp tác xã")
COMPANY_SECTORS = ("Xây dựng", "Thương mại và Dịch vụ", "Du lịch", "Vận tải", "Đầu tư",
                   "Xuất nhập khẩu", "Nông sản", "Chế biến gỗ", "Môi trường", "Công nghệ",
                   "Thực phẩm", "Dược phẩm", "Cơ khí", "Khách sạn")
COMPANY_NAMES = ("Minh Phát", "Hoàng Long", "Phú Cường", "Trường Thịnh", "Đại Phát",
                 "Hưng Thịnh", "Thành Công", "An Khang", "Phúc Lộc", "Tân Phú", "Vạn Xuân",
                 "Kim Ngân", "Sao Mai", "Hội An Xanh", "Chu Lai", "Quảng Nam Việt", "Hòa Bình",
                 "Nam Hải", "Đông Á", "Trường Sơn", "Thu Bồn", "Bình Minh", "Thiên Ân",
                 "Gia Huy", "Ngọc Linh", "Cửa Đại", "Sông Hàn", "Mỹ Sơn")
AGENCY_TYPES = ("Trường Tiểu học", "Trường THCS", "Trường Mầm non", "Trường THPT",
                "Ban Quản lý dự án đầu tư xây dựng", "Trung tâm Văn hóa - Thể thao")
AGENCY_NAMES = ("Nguyễn Du", "Lê Quý Đôn", "Trần Phú", "Phan Châu Trinh", "Huỳnh Thúc Kháng",
                "Nguyễn Trãi", "Lý Tự Trọng", "Võ Thị Sáu", "Kim Đồng", "Trần Quốc Toản",
                "Lê Lợi", "Quang Trung", "Hoàng Diệu", "Phan Bội Châu", "Trần Cao Vân")
ASSOCIATIONS = ("Hội Nông dân", "Hội Cựu chiến binh", "Hội Liên hiệp Phụ nữ",
                "Đoàn Thanh niên Cộng sản Hồ Chí Minh", "Hội Người cao tuổi", "Hội Chữ thập đỏ")
# Where identity-card holders were born (first digits of the 12-digit citizen id).
BIRTH_PROVINCES = ("049", "049", "049", "049", "049", "049", "048", "051", "046", "001", "079")
PHONE_PREFIXES = ("090", "091", "093", "094", "096", "097", "098", "032", "033", "034", "035",
                  "036", "037", "038", "039", "070", "076", "077", "078", "079", "081", "082",
                  "083", "084", "085", "086", "088", "089", "056", "058", "0235")
EMAIL_DOMAINS = ("gmail.com", "gmail.com", "gmail.com", "yahoo.com", "outlook.com",
                 "quangnam.gov.vn")

# Processing units named in the progress steps (TienDo.PhongBanXuLy).
RECEPTION_DESKS = ("Trung tâm Phục vụ hành chính công tỉnh",
                   "Bộ phận Tiếp nhận và Trả kết quả cấp huyện",
                   "Bộ phận Tiếp nhận và Trả kết quả cấp xã")
DEPARTMENT_OFFICES = ("Văn phòng Sở", "Phòng Quản lý chuyên ngành", "Phòng Nghiệp vụ",
                      "Phòng Hành chính - Tổng hợp")

# Payments.
BANKS = ("VCB", "BIDV", "ICB", "VBA", "MB", "TCB", "ACB", "VPB", "TPB", "SHB", "STB", "VIB")
FAILURE_CODES = ("24", "24", "24", "51", "11", "07", "09", "99", "01")  # 24 = user cancelled
PAYMENT_METHODS = ("truc-tuyen", "tien-mat", "chuyen-khoan")
# LyDo of an apology letter for a late result (Decision 9/2015, Article 11's "phiếu xin lỗi và
# hẹn lại ngày trả kết quả"): the reasons units give.
APOLOGY_REASONS = (
    "Hồ sơ cần xác minh, làm rõ thêm thông tin",
    "Chờ ý kiến của cơ quan phối hợp",
    "Số lượng hồ sơ tiếp nhận tăng đột biến",
    "Cần kiểm tra, thẩm định thực địa",
    "Hệ thống phần mềm một cửa gặp sự cố",
    "Cán bộ thụ lý nghỉ ốm, chưa bố trí kịp người thay",
)
