export interface ReleaseTag {
  version: string
  major: number
  prerelease: boolean
}
export function parseTag(tag: string): ReleaseTag
export function changelogEntry(markdown: string, version: string): string
export function releaseNotes(tag: string, sources: { changelog: string; packageVersion: string }): string
