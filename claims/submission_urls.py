from django.urls import path

from claims import submission

app_name = "submit"
urlpatterns = [
    path("", submission.start, name="start"),
    path("check/", submission.check, name="check"),  # before <code>/: "check" is not a code
    path("<str:code>/", submission.resume, name="resume"),
    path("<str:code>/debtor/", submission.debtor, name="debtor"),
    path("<str:code>/invoices/", submission.invoices, name="invoices"),
    path("<str:code>/quote/", submission.quote, name="quote"),
    path("<str:code>/pay/", submission.pay, name="pay"),
    path("<str:code>/transfer/", submission.transfer, name="transfer"),
]
