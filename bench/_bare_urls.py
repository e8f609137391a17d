"""The benchmark's URLconf: the product's, plus a bare view that is no part of the product.

The bare view is what a call costs with nothing of the product around it: a plain function view
(bench/api_cost.py serves it with Django's security and common middleware only) that reads the
same member row as `GET /api/v1/members/{id}` by one SQL statement and answers it as JSON.
"""

from django.db import connection
from django.http import JsonResponse
from django.urls import path

from doanvien.urls import urlpatterns as product

COLUMNS = (
    "id, member_code, full_name, date_of_birth, sex, ethnicity, religion, home_town, "
    "permanent_address, id_number, id_issued_on, id_issued_place, education_level, "
    "professional_qualification, political_theory_level, it_level, foreign_language_level, "
    "joined_union_on, admission_resolution_no, card_number, joined_party_on, occupation, "
    "category, position, audience, federation_member, honorary, awards, discipline, email, "
    "phone, branch_id, status, left_on, continues_as, continues_reason, kept_until, "
    "kept_reason, created_at"
)
NAMES = [c.strip() for c in COLUMNS.split(",")]


def bare_member(request, member_id: int):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {COLUMNS} FROM members_member WHERE id = %s", [member_id])
        row = cursor.fetchone()
    return JsonResponse(dict(zip(NAMES, row, strict=True)))


urlpatterns = [path("bench/bare/members/<int:member_id>", bare_member), *product]
