/* The shapes of the gateway's answers that the console reads (docs/api.md). */

export interface OrgUnit {
  code: string;
  name: string;
  name_zh: string;
  path: string;
}

export interface User {
  id: string;
  username: string;
  display_name: string;
  /* One to four roles (issue 3); a gateway from before it sent role only. */
  roles?: string[];
  role?: string;
  person_id?: string | null;
  org_unit: OrgUnit;
}

export interface LoginAnswer {
  csrf_token: string;
  expires_at: string;
  user: User;
}

export interface Clue {
  id: string;
  source: string;
  source_ref: string;
  category: string;
  content: string;
  location?: string;
  accused_person?: string;
  accused_unit?: string;
  anonymous: boolean;
  org_path: string;
  status: string;
  created_at: string;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface ReportRequest {
  category: string;
  content: string;
  location?: string;
  accused_person?: string;
  accused_unit?: string;
  unit_code?: string;
  anonymous: boolean;
  reporter_name?: string;
  reporter_phone?: string;
}

export interface ReportAnswer {
  report_id: string;
  receipt: string;
  status: string;
  submitted_at: string;
}

export interface ReportStatus {
  status: string;
  submitted_at: string;
  updated_at: string;
}
