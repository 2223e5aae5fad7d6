from django.core.management import call_command

from cms.models import HomePage


def test_home_page_serves_seed_content_in_vietnamese(client, demo_forum):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Diễn đàn Chuyển đổi số TP Hải Phòng năm 2023" in html
    assert "Kiến tạo dữ liệu số - Nền tảng phát triển kinh tế - xã hội" in html
    assert "Viettel, BKAV, FPT, MobiFone" in html
    assert "Trang chủ" in html  # the navigation, translated


def test_home_page_in_english_under_en_prefix(client, demo_forum):
    response = client.get("/en/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Hai Phong Digital Transformation Forum 2023" in html
    assert ">Home<" in html


def test_load_demo_is_idempotent(demo_forum):
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    assert HomePage.objects.count() == 2  # one vi, one en
    assert HomePage.objects.filter(locale__language_code="vi").count() == 1


def test_unknown_page_gives_404_in_the_right_language(client, demo_forum):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_robots_txt_points_to_the_sitemap(client, demo_forum, settings):
    settings.BASE_URL = "https://chuyendoiso.example.vn"
    response = client.get("/robots.txt")
    assert response.status_code == 200
    # On the public address (BASE_URL), whatever host the request came by.
    assert "Sitemap: https://chuyendoiso.example.vn/sitemap.xml" in response.content.decode()
    assert client.get("/sitemap.xml").status_code == 200
