"""The direct payment in the portal (issue 6, item 9): the holder (the portal account that asked for support for
the person) sees the balance, the next payments and the statement of account; another portal account finds
nothing (404); receipts and payslips are checked by their content, not only their name, and size."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.payments import services
from selfdirect.payments.models import Category, DirectPaymentAgreement, LedgerAccount, LedgerTransaction
from selfdirect.payments.models import ScheduledPayment as P
from selfdirect.payments.statement_of_account import clean_filename
from tests.factories import PersonFactory, UserFactory, portal_self_assessment_with_record
from tests.payments.factories import approved_dp_plan, bare_agreement, finance_officer

pytestmark = pytest.mark.django_db
K = LedgerAccount.Kind
T = LedgerTransaction.Kind
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def holder_and_agreement(social_worker, team):
    """Priya asked for support online; her direct payment has £280 in, £120 out on PA wages, and three payments to
    come (plus a fourth later and a cancelled one)."""
    account, assessment = portal_self_assessment_with_record(worker=social_worker)
    finance = finance_officer()
    manager = UserFactory(role=Role.TEAM_MANAGER, teams=[team])
    plan = approved_dp_plan(worker=social_worker, manager=manager, person=PersonFactory(allocated_team=team))
    agreement = bare_agreement(plan, finance, person=assessment.person, status=DirectPaymentAgreement.Status.ACTIVE)
    today = timezone.localdate()
    for kind, day, amount, other, category in [
        (T.COUNCIL_PAYMENT, today - datetime.timedelta(days=20), "280.00", K.COUNCIL, Category.COUNCIL_PAYMENT),
        (T.SPENDING, today - datetime.timedelta(days=10), "-120.00", K.SPENDING, Category.PA_WAGES),
    ]:
        services.ledger_post(
            agreement=agreement,
            kind=kind,
            occurred_on=day,
            description="Money",
            entries={K.HOLDER: Decimal(amount), other: -Decimal(amount)},
            category=category,
            actor=finance,
        )
    for weeks, amount in [(1, "70.01"), (2, "70.02"), (3, "70.03"), (4, "70.04")]:
        P.objects.create(agreement=agreement, due_on=today + datetime.timedelta(weeks=weeks), amount=Decimal(amount))
    P.objects.create(agreement=agreement, due_on=today, amount=Decimal("99.99"), status=P.Status.CANCELLED)
    return account, agreement


def other_account():
    return UserFactory(role="", username="someone@example.com", email="someone@example.com",
                       email_verified_at=timezone.now())  # fmt: skip


def test_the_holder_sees_the_balance_the_next_payments_and_the_statement(holder_and_agreement, client_as):
    account, agreement = holder_and_agreement
    client = client_as(account)
    home = client.get(reverse("portal_home")).content.decode()
    assert reverse("portal_dp_home") in home and "Your direct payment" in home
    html = client.get(reverse("portal_dp_home")).content.decode()
    assert "£160.00" in html
    assert "£70.01" in html and "£70.02" in html and "£70.03" in html
    assert "£70.04" not in html and "£99.99" not in html  # the next 3 only, never a cancelled one
    response = client.get(reverse("portal_dp_statement", args=[agreement.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Statement of account" in html and "Personal assistant wages" in html and "£120.00" in html
    pdf = client.get(reverse("portal_dp_statement_pdf", args=[agreement.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(actor=account, action=AuditEvent.Action.EXPORT).exists()
    bad = client.get(reverse("portal_dp_statement", args=[agreement.pk]), {"from": "soon"})
    assert bad.status_code == 400 and "Enter the start date as year-month-day" in bad.content.decode()


def test_another_portal_account_finds_nothing(holder_and_agreement, client_as):
    _, agreement = holder_and_agreement
    client = client_as(other_account())
    for name in ("portal_dp_statement", "portal_dp_statement_pdf", "portal_dp_receipts"):
        assert client.get(reverse(name, args=[agreement.pk])).status_code == 404, name
    assert client.post(reverse("portal_dp_receipts", args=[agreement.pk])).status_code == 404
    html = client.get(reverse("portal_dp_home")).content.decode()
    assert "There is no direct payment to show yet" in html and "£160.00" not in html


def upload(client, agreement, name, content):
    return client.post(
        reverse("portal_dp_receipts", args=[agreement.pk]), {"receipt": SimpleUploadedFile(name, content)}
    )


def test_a_png_receipt_is_stored_with_a_random_name_and_audited(holder_and_agreement, client_as, media):
    account, agreement = holder_and_agreement
    client = client_as(account)
    response = upload(client, agreement, "../../etc/wages slip.png", PNG)
    assert response.status_code == 302
    stored = list((media / "receipts" / str(agreement.pk)).iterdir())
    assert len(stored) == 1 and stored[0].suffix == ".png" and "wages" not in stored[0].name
    assert stored[0].read_bytes() == PNG
    event = AuditEvent.objects.get(object_type="payments.receipt")
    assert event.summary == "Receipt uploaded: wages_slip.png" and event.actor == account
    assert "wages_slip.png" in client.get(reverse("portal_dp_receipts", args=[agreement.pk])).content.decode()


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("invoice.pdf", b"MZ\x90\x00" + b"\x00" * 100, "The file is not a real PDF"),
        ("setup.exe", b"MZ\x90\x00", "The file must be a PDF, JPG or PNG"),
        ("big.png", PNG + b"\x00" * (6 * 1024 * 1024), "The file must be smaller than 5 MB"),
        ("empty.jpg", b"", "The file is empty"),
    ],
)
def test_files_that_are_not_receipts_are_refused_clearly(holder_and_agreement, client_as, media, name, content,
                                                          message):  # fmt: skip
    account, agreement = holder_and_agreement
    response = upload(client_as(account), agreement, name, content)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert not (media / "receipts" / str(agreement.pk)).exists() or not any(
        (media / "receipts" / str(agreement.pk)).iterdir()
    )
    assert not AuditEvent.objects.filter(object_type="payments.receipt").exists()


def test_no_file_chosen(holder_and_agreement, client_as):
    account, agreement = holder_and_agreement
    response = client_as(account).post(reverse("portal_dp_receipts", args=[agreement.pk]))
    assert response.status_code == 400 and "Choose a file to send" in response.content.decode()


def test_filenames_are_cleaned():
    assert clean_filename("C:\\Users\\me\\My receipt (1).pdf") == "My_receipt_1.pdf"
    assert clean_filename("..") == "receipt"
    assert len(clean_filename("a" * 300 + ".pdf")) <= 100 and clean_filename("a" * 300 + ".pdf").endswith(".pdf")


def test_finance_sees_and_downloads_what_the_holder_sent(holder_and_agreement, client_as, user_of_role):
    """The holder's upload is listed on the staff statement of account and downloads byte for byte, audited."""
    account, agreement = holder_and_agreement
    upload(client_as(account), agreement, "march payslip.png", PNG)
    finance = client_as(user_of_role(Role.FINANCE_OFFICER))
    page = finance.get(reverse("dp_account_statement", args=[agreement.pk])).content.decode()
    assert "march_payslip.png" in page
    stored = AuditEvent.objects.get(object_type="payments.receipt").object_id.split("/", 1)[1]
    response = finance.get(reverse("dp_receipt", args=[agreement.pk, stored]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert response["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_id=f"{agreement.pk}/{stored}").count() == 1


@pytest.mark.parametrize("stored", ["../../../etc/passwd", "0123456789abcdef01234567.exe", "nothere.png"])
def test_a_receipt_name_that_is_not_one_we_stored_is_not_found(holder_and_agreement, client_as, user_of_role, stored):
    _account, agreement = holder_and_agreement
    finance = client_as(user_of_role(Role.FINANCE_OFFICER))
    assert finance.get(f"/direct-payments/{agreement.pk}/receipts/{stored}/").status_code == 404


def test_only_finance_downloads_receipts(holder_and_agreement, client_as, social_worker):
    account, agreement = holder_and_agreement
    upload(client_as(account), agreement, "slip.png", PNG)
    stored = AuditEvent.objects.get(object_type="payments.receipt").object_id.split("/", 1)[1]
    assert client_as(social_worker).get(reverse("dp_receipt", args=[agreement.pk, stored])).status_code == 403
    assert client_as(account).get(reverse("dp_receipt", args=[agreement.pk, stored])).status_code in (302, 403)
