"""Demo pages of the site, from the seed article."""

from django.db import transaction
from wagtail.models import Locale, Page, Site

from cms.models import HomePage
from events.models import Event

SEED_LEAD = (
    "Hải Phòng là địa phương đi đầu cả nước thực hiện thành công một số lĩnh vực Chính phủ lựa "
    "chọn thành phố triển khai thí điểm như xây dựng dữ liệu dân cư, hóa đơn điện tử, cấp đổi "
    "giấy phép lái xe."
)
SEED_BODY = (
    "<p>Ngày 27-12, UBND TP Hải Phòng phối hợp với Hiệp hội Phần mềm và Dịch vụ Công nghệ Thông "
    "tin Việt Nam (VINASA) tổ chức Diễn đàn Chuyển đổi số TP Hải Phòng năm 2023 với chủ đề "
    "“Kiến tạo dữ liệu số - Nền tảng phát triển kinh tế - xã hội”.</p>"
    "<p>Đây là sự kiện nằm trong chuỗi hoạt động hưởng ứng Năm dữ liệu số quốc gia theo chỉ đạo "
    "của Thủ tướng Chính phủ. Diễn đàn nhằm mang đến cơ hội gặp gỡ, trao đổi về khả năng, nhu "
    "cầu, giải pháp và các chính sách để thúc đẩy chuyển đổi số trên các lĩnh vực, giới thiệu và "
    "trải nghiệm công nghệ tiên tiến.</p>"
    "<p>Trong khuôn khổ sự kiện, triển lãm “Thành tựu và giải pháp công nghệ” giới thiệu thành "
    "tựu chuyển đổi số của Hải Phòng với 20 gian hàng trưng bày của các ngành, địa phương và các "
    "doanh nghiệp công nghệ lớn như Viettel, BKAV, FPT, MobiFone.</p>"
)
EN_TITLE = "Hai Phong Digital Transformation Forum 2023"
EN_LEAD = (
    "Hai Phong leads the country in several pilots chosen by the Government: population data, "
    "electronic invoices and the renewal of driving licences."
)
EN_BODY = (
    "<p>On 27 December, the Hai Phong People's Committee and the Vietnam Software and IT Services "
    "Association (VINASA) hold the Hai Phong Digital Transformation Forum 2023, themed “Building "
    "digital data – the foundation of socio-economic development”.</p>"
    "<p>Alongside the forum, the exhibition “Achievements and technology solutions” shows 20 "
    "booths from city departments and technology companies such as Viettel, BKAV, FPT and "
    "MobiFone.</p>"
)


@transaction.atomic
def load_home(event: Event) -> HomePage:
    """Make the forum's home page the site root, in Vietnamese and English. Idempotent."""
    home = HomePage.objects.filter(locale__language_code="vi").first()
    if home is None:
        root = Page.get_first_root_node()
        vi = Locale.objects.get_or_create(language_code="vi")[0]
        home = HomePage(
            title=event.name,
            slug="trang-chu",
            locale=vi,
            event=event,
            lead=SEED_LEAD,
            body=SEED_BODY,
        )
        root.add_child(instance=home)
        home.save_revision().publish()
        site = Site.objects.filter(is_default_site=True).first()
        old_root_id = site.root_page_id if site else None
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={
                "hostname": "localhost",
                "port": 80,
                "root_page": home,
                "site_name": event.name,
            },
        )
        if old_root_id and old_root_id != home.pk:
            old = Page.objects.get(pk=old_root_id)
            if not isinstance(old.specific, HomePage):
                old.delete()
    en = Locale.objects.get_or_create(language_code="en")[0]
    if not HomePage.objects.filter(translation_key=home.translation_key, locale=en).exists():
        home_en = home.copy_for_translation(en)
        home_en.title, home_en.lead, home_en.body = EN_TITLE, EN_LEAD, EN_BODY
        home_en.save_revision().publish()
    return home
