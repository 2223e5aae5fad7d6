"""The events app in the Wagtail admin."""

from wagtail import hooks

from events import admin_checkin


@hooks.register("register_admin_viewset")
def register_checkin_viewsets():
    return admin_checkin.CheckInViewSetGroup()


hooks.register("register_checkin_menu_item", admin_checkin.arrivals_menu_item)
hooks.register("register_checkin_menu_item", admin_checkin.scanner_menu_item)
