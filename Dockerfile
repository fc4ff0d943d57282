FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# WeasyPrint renders the legal PDFs with pango and HarfBuzz.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
 && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY ios_platform ios_platform
COPY creditors creditors
COPY debtors debtors
COPY bailiffs bailiffs
COPY fees fees
COPY claims claims
COPY notifications notifications
RUN pip install --no-cache-dir .
COPY . .
RUN DJANGO_ENV=development python manage.py collectstatic --noinput
