"""The rates and category defaults the product ships (union-rules §5), installed by a data
migration and editable afterwards as data."""

from datetime import date

# Resolution 07-NQ/TWĐTN (25/11/2010), from 1/1/2011: [C2].
RATES = [
    ("no_salary", date(2011, 1, 1), 2000, False),
    ("salaried", date(2011, 1, 1), 5000, False),
    ("overseas", date(2011, 1, 1), 5000, True),
]

# (match, value, category, priority): pupils and students → no salary [C2]; employees and
# civil servants → salaried [C2]; unemployed → no salary [I]; armed forces → salaried
# [placeholder: conscripts on allowance are U]; overseas branches → overseas [C2].
CATEGORY_DEFAULTS = [
    ("sector", "overseas", "overseas", 10),
    ("occupation", "học sinh", "no_salary", 20),
    ("occupation", "sinh viên", "no_salary", 20),
    ("occupation", "thất nghiệp", "no_salary", 20),
    ("occupation", "không có việc", "no_salary", 20),
    ("occupation", "công nhân", "salaried", 30),
    ("occupation", "công chức", "salaried", 30),
    ("occupation", "viên chức", "salaried", 30),
    ("occupation", "nhân viên", "salaried", 30),
    ("occupation", "giáo viên", "salaried", 30),
    ("occupation", "bác sĩ", "salaried", 30),
    ("occupation", "kỹ sư", "salaried", 30),
    ("sector", "school", "no_salary", 50),
    ("sector", "workers", "salaried", 50),
    ("sector", "public_admin", "salaried", 50),
    ("sector", "armed_forces", "salaried", 50),
    ("sector", "residential", "no_salary", 50),
]


def install(rate_model, default_model) -> None:
    for category, effective_from, amount, more in RATES:
        rate_model.objects.get_or_create(
            category=category,
            effective_from=effective_from,
            defaults={"monthly_amount": amount, "may_pay_more": more},
        )
    if not default_model.objects.exists():
        default_model.objects.bulk_create(
            [
                default_model(match=m, value=v, category=c, priority=p)
                for m, v, c, p in CATEGORY_DEFAULTS
            ]
        )
