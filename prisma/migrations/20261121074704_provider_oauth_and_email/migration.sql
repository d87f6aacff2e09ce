-- AlterTable
ALTER TABLE "Document" ADD COLUMN "emailedAt" DATETIME;
ALTER TABLE "Document" ADD COLUMN "emailedTo" TEXT;

-- CreateTable
CREATE TABLE "OAuthState" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "state" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "providerType" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE UNIQUE INDEX "OAuthState_state_key" ON "OAuthState"("state");

-- CreateIndex
CREATE INDEX "OAuthState_shopDomain_idx" ON "OAuthState"("shopDomain");

