"""Who may do what with the proceedings."""

from wagtail.permissions import register_permission_policy

from cms.proceedings.models import ProceedingsBuild
from core.permissions import read_only_policy

# Builds come from the build button and are all kept: nobody adds, edits or deletes one by hand
# (publishing is on the forum's proceedings page).
register_permission_policy(ProceedingsBuild, read_only_policy(ProceedingsBuild))
