// Boot scripts of the instances (Amazon Linux 2023). The web tier is an nginx reverse proxy to the internal load
// balancer over verified TLS; the app tier is a placeholder nginx service on APP_PORT with the MySQL client and the
// RDS CA bundle, ready for an application that connects with IAM database authentication.
import { APP_PORT, WEB_PORT } from "./securityGroups";

/** Path both tiers answer health checks on (locally, so one tier's outage does not cascade to the other's checks). */
export const HEALTH_CHECK_PATH = "/healthz";

const SHELL = "#!/bin/bash\nset -euo pipefail\n";

/** Reverse proxy: every request to https://<internalDomainName>, certificate verified against the system CAs. */
export function webUserData(internalDomainName: string): string {
    return `${SHELL}dnf install -y nginx
cat > /etc/nginx/conf.d/reverse-proxy.conf <<'EOF'
server {
    listen ${WEB_PORT} default_server;
    # The Amazon-provided DNS resolver: the internal load balancer's addresses change over time.
    resolver 169.254.169.253 valid=30s;
    location = ${HEALTH_CHECK_PATH} {
        access_log off;
        default_type text/plain;
        return 200 "ok\\n";
    }
    location / {
        set $app_tier https://${internalDomainName};
        proxy_pass $app_tier;
        proxy_ssl_server_name on;
        proxy_ssl_name ${internalDomainName};
        proxy_ssl_verify on;
        proxy_ssl_verify_depth 3;
        proxy_ssl_trusted_certificate /etc/pki/tls/certs/ca-bundle.crt;
        proxy_ssl_protocols TLSv1.2 TLSv1.3;
        proxy_set_header Host ${internalDomainName};
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto https;
        proxy_set_header X-Forwarded-Host $host;
    }
}
EOF
systemctl enable --now nginx
`;
}

export interface AppUserDataArgs {
    readonly databaseHost: string;
    readonly databasePort: number;
    readonly databaseName: string;
    readonly databaseUser: string;
    readonly region: string;
}

/** The app tier placeholder, with the database's coordinates in /etc/profile.d for sessions and the application. */
export function appUserData(args: AppUserDataArgs): string {
    return `${SHELL}dnf install -y nginx mariadb105
curl -fsS -o /etc/pki/tls/certs/rds-global-bundle.pem https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem
cat > /etc/profile.d/app-database.sh <<'EOF'
export DB_HOST=${args.databaseHost}
export DB_PORT=${args.databasePort}
export DB_NAME=${args.databaseName}
export DB_USER=${args.databaseUser}
export DB_CA_BUNDLE=/etc/pki/tls/certs/rds-global-bundle.pem
export AWS_REGION=${args.region}
EOF
cat > /etc/nginx/conf.d/app.conf <<'EOF'
server {
    listen ${APP_PORT} default_server;
    location = ${HEALTH_CHECK_PATH} {
        access_log off;
        default_type text/plain;
        return 200 "ok\\n";
    }
    location / {
        default_type application/json;
        return 200 '{"tier":"app","host":"$hostname"}\\n';
    }
}
EOF
systemctl enable --now nginx
`;
}

/** The bastion: the MySQL client and the RDS CA bundle for administering the database through the peering. */
export function bastionUserData(): string {
    return `${SHELL}dnf install -y mariadb105
curl -fsS -o /etc/pki/tls/certs/rds-global-bundle.pem https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem
`;
}
